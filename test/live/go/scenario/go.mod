module conndoctor.test/scenario

go 1.22

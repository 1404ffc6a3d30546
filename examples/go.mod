module example.com/conndemo

go 1.22

// extensionTestsPath entry for the editor-host measurements (bench/vscodehost.ts): the in-host
// suite's runner, over the *.host.ts files of this folder.
export { run } from '../../test/integration/suite/index';

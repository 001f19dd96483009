// A child process for crash.test.ts: appends records to the log in `argv[2]` (disk storage)
// as fast as it can, in small concurrent groups, printing the signed tree size after each
// group, until it is killed.
import { DiskStorage } from '../../../src/storage/index.js';
import { openOwnSumdb } from '../../../src/sumdb/server/index.js';
import { fakeH1 } from './server-env.js';

const [dir = '', startArg = '0'] = process.argv.slice(2);
const storage = await DiskStorage.open(dir);
const { log } = await openOwnSumdb(storage, 'sumdb.crash.example');
let i = Number(startArg);
for (;;) {
  const group = 1 + (i % 5);
  const appends: Promise<unknown>[] = [];
  for (let k = 0; k < group; k++, i++) {
    const path = `example.com/m${i}`;
    const text = `${path} v1.0.0 ${fakeH1(`zip ${i}`)}\n${path} v1.0.0/go.mod ${fakeH1(`mod ${i}`)}\n`;
    appends.push(log.append(path, 'v1.0.0', Buffer.from(text)));
  }
  await Promise.all(appends);
  process.stdout.write(`${log.tree.n} ${i}\n`);
}

// packages/policy-core/README.md, "Images and Dockerfiles".
const text = 'FROM node:22\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n';
const dockerInspectOutput = JSON.stringify([{ RepoTags: ['registry/app:1.2'], Config: { User: '1000:0' } }]);
// ---- README ----
import { analyzeDockerfile, dockerfileUser, imageUsersFromImageConfig, parseImageUser } from '@podguard/policy-core';

parseImageUser('1000:0');  // { kind: 'uid', uid: 1000, group: '0' }, exactly as containerd and the kubelet read it
parseImageUser('node');    // { kind: 'name', name: 'node' }
analyzeDockerfile(text);   // dockerfileUser findings with line and column: noUser, rootUser, namedUser, ...
imageUsersFromImageConfig(JSON.parse(dockerInspectOutput));  // { 'registry/app:1.2': '1000:0' }
// ---- end ----
if (analyzeDockerfile(text)[0]?.messageId !== 'namedUser') throw new Error('expected namedUser');
if (imageUsersFromImageConfig(JSON.parse(dockerInspectOutput))['registry/app:1.2'] !== '1000:0') throw new Error('image user');
if (dockerfileUser(text)?.user !== 'node') throw new Error('expected USER node');

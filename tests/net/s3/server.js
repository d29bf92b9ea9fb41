#!/usr/bin/env node
// server.js - s3rver (a real S3-compatible server, npm) on 127.0.0.1 for
// tfaudit's S3 tests.
//
//   node server.js --dir DIR --port-file FILE [--bucket NAME]... [--lifetime S]
//
// Binds 127.0.0.1 on an ephemeral port, writes the port to --port-file once
// listening, exits by itself after --lifetime seconds (default 600).
// Credentials: access key AKIATFAUDITTEST0001, secret
// tfaudit-test-secret-0b7d (s3rver checks the access key and that
// x-amz-content-sha256 is present; tests/net/s3/fault_proxy.py checks the
// signatures and payload hashes themselves).
//
// s3rver 3.7.1 has no AbortMultipartUpload (DELETE ?uploadId answers 405)
// and no ListMultipartUploads (GET ?uploads answers 501). Both are added
// here, on s3rver's own store (its uploads/<id>/ directories), so a test can
// prove a failed multipart upload leaves nothing open.
'use strict';

const fs = require('fs');
const path = require('path');
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

const args = { bucket: [], lifetime: 600 };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  const v = process.argv[i + 1];
  if (k === 'bucket') args.bucket.push(v);
  else args[k] = v;
}

const account = new AWSAccount(123456789012, 'tfaudit-tests');
account.createKeyPair('AKIATFAUDITTEST0001', 'tfaudit-test-secret-0b7d');

const xmlEscape = (s) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function uploadsDir(store, bucket) {
  return store.getResourcePath(bucket, undefined, 'uploads');
}

// AbortMultipartUpload and ListMultipartUploads, ahead of s3rver's router.
async function multipartExtras(ctx, next) {
  const m = /^\/([^/]+)(?:\/(.+))?$/.exec(ctx.path);
  if (!m) return next();
  const [, bucket, key] = m;
  const store = ctx.app.store;
  if (ctx.method === 'DELETE' && key && 'uploadId' in ctx.query) {
    const dir = path.join(uploadsDir(store, bucket), path.basename(ctx.query.uploadId));
    if (!fs.existsSync(dir)) {
      ctx.status = 404;
      ctx.type = 'application/xml';
      ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code>' +
        '<Message>The specified upload does not exist.</Message></Error>';
      return;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    ctx.status = 204;
    return;
  }
  if (ctx.method === 'GET' && !key && 'uploads' in ctx.query) {
    const dir = uploadsDir(store, bucket);
    let items = '';
    if (fs.existsSync(dir)) {
      for (const id of fs.readdirSync(dir).sort()) {
        let k = '';
        try { k = fs.readFileSync(path.join(dir, id, 'key'), 'utf8'); } catch (e) { continue; }
        items += `<Upload><Key>${xmlEscape(k)}</Key><UploadId>${xmlEscape(id)}</UploadId></Upload>`;
      }
    }
    ctx.type = 'application/xml';
    ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult>' +
      `<Bucket>${xmlEscape(bucket)}</Bucket><IsTruncated>false</IsTruncated>${items}` +
      '</ListMultipartUploadsResult>';
    return;
  }
  return next();
}

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: args.dir,
  configureBuckets: args.bucket.map((name) => ({ name })),
});
// after s3rver's logger and XML encoder, before its router
server.middleware.splice(server.middleware.length - 1, 0, multipartExtras);

server.run((err, { address, port } = {}) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  const tmp = `${args['port-file']}.tmp`;
  fs.writeFileSync(tmp, `${port}\n`);
  fs.renameSync(tmp, args['port-file']);
});

setTimeout(() => process.exit(0), Number(args.lifetime) * 1000).unref();
process.on('SIGTERM', () => process.exit(0));

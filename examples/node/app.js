const crypto = require("crypto");
const express = require("express");

const app = express();

// Stores a digest of the password-reset token so a database leak does not
// leak live tokens -- but SHA-1 is too weak for that.
function resetTokenDigest(token) {
  return crypto.createHash("sha1").update(token).digest("hex");
}

app.get("/files/:name", (req, res) => {
  const body = Buffer.from(req.params.name);
  // An ETag is not a security control: MD5 is fine here.
  const etag = crypto.createHash("md5").update(body).digest("hex");
  res.set("ETag", etag).send(body);
});

module.exports = { app, resetTokenDigest };

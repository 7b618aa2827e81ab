const crypto = require("crypto");

module.exports = function etag(body) {
  return crypto.createHash("sha1").update(body).digest("hex");
};

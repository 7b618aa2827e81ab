const crypto = require("crypto");

module.exports = function resetTokenDigest(token) {
  return crypto.createHash("sha1").update(token).digest("hex");
};

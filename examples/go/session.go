package storage

import (
	"crypto/md5"
	"encoding/hex"
)

// SessionID derives a session identifier from the user and a server secret.
func SessionID(userID string, secret string) string {
	sum := md5.Sum([]byte(userID + ":" + secret))
	return hex.EncodeToString(sum[:])
}

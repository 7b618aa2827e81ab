//! The ciphertext formats, independent of where keys come from.
//!
//! A sealed value (a TEXT column) is base64 of
//! `version (1) | data key id (16) | nonce (12) | ciphertext and tag`.
//! A sealed stream (an artifact) is a header
//! `magic (8) | version (1) | data key id (16) | nonce prefix (7)` followed by
//! segments of 64 KiB of plaintext, each sealed on its own with the nonce
//! `prefix | segment counter (4, big endian) | last-segment flag (1)` — the
//! STREAM construction: reordering, truncating or extending the segments
//! fails authentication, and memory stays bounded by one segment.
//! Every seal carries associated data naming what it protects, so a
//! ciphertext copied to another row or object does not open there.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit as _, Nonce};
use base64::Engine as _;
use uuid::Uuid;

/// A ciphertext that cannot be opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EnvelopeError {
    #[error("the sealed data is malformed: {0}")]
    Malformed(&'static str),
    #[error(
        "the sealed data does not authenticate: it was altered, truncated or sealed under another key"
    )]
    Forged,
}

/// An AES-256-GCM key with its id. Its bytes never leave this type.
#[derive(Clone)]
pub struct DataKey {
    pub id: Uuid,
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
pub const KEY_LEN: usize = 32;

impl DataKey {
    pub fn new(id: Uuid, material: &[u8; KEY_LEN]) -> DataKey {
        DataKey {
            id,
            cipher: Aes256Gcm::new(material.into()),
        }
    }

    /// Seals with a random nonce: `nonce | ciphertext and tag`.
    pub fn wrap(&self, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the OS provides randomness");
        let sealed = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .expect("AES-GCM seals any message under 64 GiB");
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens what [`DataKey::wrap`] sealed.
    pub fn unwrap(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(EnvelopeError::Malformed("too short"));
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at the nonce length");
        self.cipher
            .decrypt(&Nonce::from(nonce), Payload { msg: body, aad })
            .map_err(|_| EnvelopeError::Forged)
    }
}

/// 32 fresh random bytes.
pub fn random_key() -> [u8; KEY_LEN] {
    let mut key = [0u8; KEY_LEN];
    getrandom::fill(&mut key).expect("the OS provides randomness");
    key
}

const VALUE_VERSION: u8 = 1;

/// Seals a value for a TEXT column.
pub fn seal_value(key: &DataKey, aad: &[u8], plaintext: &[u8]) -> String {
    let mut out = vec![VALUE_VERSION];
    out.extend_from_slice(key.id.as_bytes());
    out.extend_from_slice(&key.wrap(aad, plaintext));
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// The data key a sealed value needs.
pub fn value_key_id(text: &str) -> Result<Uuid, EnvelopeError> {
    let bytes = decode(text)?;
    Ok(split_value(&bytes)?.0)
}

/// Opens a sealed value.
pub fn open_value(key: &DataKey, aad: &[u8], text: &str) -> Result<Vec<u8>, EnvelopeError> {
    let bytes = decode(text)?;
    let (id, sealed) = split_value(&bytes)?;
    if id != key.id {
        return Err(EnvelopeError::Forged);
    }
    key.unwrap(aad, sealed)
}

fn decode(text: &str) -> Result<Vec<u8>, EnvelopeError> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| EnvelopeError::Malformed("not base64: a value stored before encryption"))
}

fn split_value(bytes: &[u8]) -> Result<(Uuid, &[u8]), EnvelopeError> {
    match bytes.split_first() {
        Some((&VALUE_VERSION, rest)) if rest.len() >= 16 => {
            let (id, sealed) = rest.split_at(16);
            Ok((Uuid::from_slice(id).expect("16 bytes"), sealed))
        }
        Some((&VALUE_VERSION, _)) => Err(EnvelopeError::Malformed("too short")),
        _ => Err(EnvelopeError::Malformed("unknown version")),
    }
}

/// Plaintext bytes per stream segment.
pub const SEGMENT: usize = 64 * 1024;
const MAGIC: &[u8; 8] = b"ARGUSENC";
const STREAM_VERSION: u8 = 1;
const PREFIX_LEN: usize = 7;
/// Bytes before the first segment.
pub const HEADER_LEN: usize = MAGIC.len() + 1 + 16 + PREFIX_LEN;

/// Seals a stream segment by segment.
pub struct StreamSealer {
    key: DataKey,
    header: [u8; HEADER_LEN],
    aad: Vec<u8>,
    counter: u32,
    pending: Vec<u8>,
    header_sent: bool,
}

impl StreamSealer {
    /// `context` names the object (its id): the stream opens only under it.
    pub fn new(key: DataKey, context: &[u8]) -> StreamSealer {
        let mut header = [0u8; HEADER_LEN];
        header[..MAGIC.len()].copy_from_slice(MAGIC);
        header[MAGIC.len()] = STREAM_VERSION;
        header[MAGIC.len() + 1..MAGIC.len() + 17].copy_from_slice(key.id.as_bytes());
        getrandom::fill(&mut header[MAGIC.len() + 17..]).expect("the OS provides randomness");
        StreamSealer {
            aad: stream_aad(&header, context),
            key,
            header,
            counter: 0,
            pending: Vec::with_capacity(SEGMENT),
            header_sent: false,
        }
    }

    /// Takes plaintext; returns what is ready to write (possibly nothing).
    pub fn push(&mut self, mut data: &[u8]) -> Vec<u8> {
        let mut out = self.start();
        // A full segment is sealed only once more data follows: the last
        // one, sealed by `finish`, must carry the last-segment flag.
        while !data.is_empty() {
            if self.pending.len() == SEGMENT {
                let segment = std::mem::take(&mut self.pending);
                out.extend_from_slice(&self.seal(&segment, false));
                self.pending = Vec::with_capacity(SEGMENT);
            }
            let take = (SEGMENT - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
        out
    }

    /// Seals the last segment (possibly empty).
    pub fn finish(mut self) -> Vec<u8> {
        let mut out = self.start();
        let segment = std::mem::take(&mut self.pending);
        out.extend_from_slice(&self.seal(&segment, true));
        out
    }

    fn start(&mut self) -> Vec<u8> {
        if self.header_sent {
            Vec::new()
        } else {
            self.header_sent = true;
            self.header.to_vec()
        }
    }

    fn seal(&mut self, segment: &[u8], last: bool) -> Vec<u8> {
        let nonce = segment_nonce(&self.header, self.counter, last);
        self.counter = self
            .counter
            .checked_add(1)
            .expect("fewer than 2^32 segments (256 TiB)");
        self.key
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: segment,
                    aad: &self.aad,
                },
            )
            .expect("AES-GCM seals a segment")
    }
}

/// The data key a sealed stream needs, from its first [`HEADER_LEN`] bytes.
pub fn stream_key_id(header: &[u8]) -> Result<Uuid, EnvelopeError> {
    if header.len() < HEADER_LEN || &header[..MAGIC.len()] != MAGIC {
        return Err(EnvelopeError::Malformed("not a sealed stream"));
    }
    if header[MAGIC.len()] != STREAM_VERSION {
        return Err(EnvelopeError::Malformed("unknown version"));
    }
    Ok(Uuid::from_slice(&header[MAGIC.len() + 1..MAGIC.len() + 17]).expect("16 bytes"))
}

/// Opens a sealed stream segment by segment.
pub struct StreamOpener {
    key: DataKey,
    header: [u8; HEADER_LEN],
    aad: Vec<u8>,
    counter: u32,
    pending: Vec<u8>,
}

impl StreamOpener {
    /// `header`: the stream's first [`HEADER_LEN`] bytes.
    pub fn new(key: DataKey, header: &[u8], context: &[u8]) -> Result<StreamOpener, EnvelopeError> {
        if stream_key_id(header)? != key.id {
            return Err(EnvelopeError::Forged);
        }
        let header: [u8; HEADER_LEN] = header[..HEADER_LEN].try_into().expect("checked length");
        Ok(StreamOpener {
            aad: stream_aad(&header, context),
            key,
            header,
            counter: 0,
            pending: Vec::new(),
        })
    }

    /// Takes ciphertext after the header; returns the plaintext of the
    /// segments that are complete and not last.
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
        self.pending.extend_from_slice(data);
        let mut out = Vec::new();
        let sealed_len = SEGMENT + TAG_LEN;
        let mut start = 0;
        let pending = std::mem::take(&mut self.pending);
        while pending.len() - start > sealed_len {
            let segment = self.open(&pending[start..start + sealed_len], false)?;
            out.extend_from_slice(&segment);
            start += sealed_len;
        }
        self.pending = pending;
        self.pending.drain(..start);
        Ok(out)
    }

    /// Opens the last segment: a stream cut short fails here.
    pub fn finish(mut self) -> Result<Vec<u8>, EnvelopeError> {
        let rest = std::mem::take(&mut self.pending);
        if rest.len() < TAG_LEN {
            return Err(EnvelopeError::Forged);
        }
        self.open(&rest, true)
    }

    fn open(&mut self, segment: &[u8], last: bool) -> Result<Vec<u8>, EnvelopeError> {
        let nonce = segment_nonce(&self.header, self.counter, last);
        self.counter = self.counter.checked_add(1).ok_or(EnvelopeError::Forged)?;
        self.key
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: segment,
                    aad: &self.aad,
                },
            )
            .map_err(|_| EnvelopeError::Forged)
    }
}

fn stream_aad(header: &[u8; HEADER_LEN], context: &[u8]) -> Vec<u8> {
    let mut aad = header.to_vec();
    aad.extend_from_slice(context);
    aad
}

fn segment_nonce(header: &[u8; HEADER_LEN], counter: u32, last: bool) -> [u8; NONCE_LEN] {
    let mut nonce = [0u8; NONCE_LEN];
    nonce[..PREFIX_LEN].copy_from_slice(&header[HEADER_LEN - PREFIX_LEN..]);
    nonce[PREFIX_LEN..PREFIX_LEN + 4].copy_from_slice(&counter.to_be_bytes());
    nonce[NONCE_LEN - 1] = u8::from(last);
    nonce
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::new(Uuid::new_v4(), &random_key())
    }

    #[test]
    fn values_round_trip_and_refuse_tampering_and_other_keys() {
        let key = key();
        let sealed = seal_value(&key, b"row-1", b"print(password)");
        assert!(!sealed.contains("password"));
        assert_eq!(value_key_id(&sealed).unwrap(), key.id);
        assert_eq!(
            open_value(&key, b"row-1", &sealed).unwrap(),
            b"print(password)"
        );
        // Another row, another key with the same id, a flipped bit.
        assert_eq!(
            open_value(&key, b"row-2", &sealed),
            Err(EnvelopeError::Forged)
        );
        let impostor = DataKey::new(key.id, &random_key());
        assert_eq!(
            open_value(&impostor, b"row-1", &sealed),
            Err(EnvelopeError::Forged)
        );
        let mut bytes = base64::engine::general_purpose::STANDARD
            .decode(&sealed)
            .unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        let tampered = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert_eq!(
            open_value(&key, b"row-1", &tampered),
            Err(EnvelopeError::Forged)
        );
        assert!(matches!(
            open_value(&key, b"row-1", "plain text"),
            Err(EnvelopeError::Malformed(_))
        ));
    }

    fn seal_stream(key: &DataKey, data: &[u8], chunk: usize) -> Vec<u8> {
        let mut sealer = StreamSealer::new(key.clone(), b"artifact-1");
        let mut out = Vec::new();
        for piece in data.chunks(chunk.max(1)) {
            out.extend(sealer.push(piece));
        }
        out.extend(sealer.finish());
        out
    }

    fn open_stream(
        key: &DataKey,
        sealed: &[u8],
        chunk: usize,
        context: &[u8],
    ) -> Result<Vec<u8>, EnvelopeError> {
        let mut opener = StreamOpener::new(key.clone(), sealed, context)?;
        let mut out = Vec::new();
        for piece in sealed[HEADER_LEN..].chunks(chunk) {
            out.extend(opener.push(piece)?);
        }
        out.extend(opener.finish()?);
        Ok(out)
    }

    #[test]
    fn streams_round_trip_at_every_boundary() {
        let key = key();
        for len in [
            0,
            1,
            SEGMENT - 1,
            SEGMENT,
            SEGMENT + 1,
            3 * SEGMENT,
            3 * SEGMENT + 17,
        ] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            for chunk in [1000, SEGMENT, 5 * SEGMENT] {
                let sealed = seal_stream(&key, &data, chunk);
                assert_eq!(stream_key_id(&sealed).unwrap(), key.id);
                assert_eq!(
                    open_stream(&key, &sealed, 4096, b"artifact-1").unwrap(),
                    data,
                    "len {len}"
                );
            }
        }
    }

    #[test]
    fn streams_refuse_truncation_reordering_tampering_and_other_objects() {
        let key = key();
        let data: Vec<u8> = (0..3 * SEGMENT + 100).map(|i| (i % 256) as u8).collect();
        let sealed = seal_stream(&key, &data, 10_000);
        let seg = SEGMENT + TAG_LEN;
        // Cut at a segment boundary: the last segment left is not marked last.
        let cut = &sealed[..HEADER_LEN + 2 * seg];
        assert_eq!(
            open_stream(&key, cut, 4096, b"artifact-1"),
            Err(EnvelopeError::Forged)
        );
        // Cut in the middle of a segment.
        let cut = &sealed[..sealed.len() - 5];
        assert_eq!(
            open_stream(&key, cut, 4096, b"artifact-1"),
            Err(EnvelopeError::Forged)
        );
        // Two segments swapped.
        let mut swapped = sealed[..HEADER_LEN].to_vec();
        swapped.extend_from_slice(&sealed[HEADER_LEN + seg..HEADER_LEN + 2 * seg]);
        swapped.extend_from_slice(&sealed[HEADER_LEN..HEADER_LEN + seg]);
        swapped.extend_from_slice(&sealed[HEADER_LEN + 2 * seg..]);
        assert_eq!(
            open_stream(&key, &swapped, 4096, b"artifact-1"),
            Err(EnvelopeError::Forged)
        );
        // A flipped bit, another object, another key.
        let mut flipped = sealed.clone();
        flipped[HEADER_LEN + 10] ^= 0x80;
        assert_eq!(
            open_stream(&key, &flipped, 4096, b"artifact-1"),
            Err(EnvelopeError::Forged)
        );
        assert_eq!(
            open_stream(&key, &sealed, 4096, b"artifact-2"),
            Err(EnvelopeError::Forged)
        );
        let other = DataKey::new(key.id, &random_key());
        assert_eq!(
            open_stream(&other, &sealed, 4096, b"artifact-1"),
            Err(EnvelopeError::Forged)
        );
        assert!(matches!(
            stream_key_id(b"PK\x03\x04 not sealed at all, long enough"),
            Err(EnvelopeError::Malformed(_))
        ));
    }
}

//! The audit log file: JSON lines appended by one thread, fed through a
//! bounded channel. A request never waits for the disk: when the channel
//! is full (the disk stalls) the record is dropped, counted and logged at
//! error level. Each node writes its own file.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;

/// Records waiting to be written before new ones are dropped.
const BACKLOG: usize = 8192;

/// The open audit log.
pub struct AuditLog {
    sender: Mutex<Option<mpsc::Sender<String>>>,
    writer: Mutex<Option<std::thread::JoinHandle<()>>>,
    written: std::sync::Arc<AtomicU64>,
    dropped: AtomicU64,
}

impl AuditLog {
    /// Opens (creating, owner-only) the file for appending and starts the
    /// thread that writes it.
    pub fn open(path: &Path) -> std::io::Result<AuditLog> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // A file created by an earlier version or by hand may be wider.
            if file.metadata()?.permissions().mode() & 0o077 != 0 {
                file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            }
        }
        let (sender, mut receiver) = mpsc::channel::<String>(BACKLOG);
        let written = std::sync::Arc::new(AtomicU64::new(0));
        let counter = written.clone();
        let shown = path.display().to_string();
        let writer = std::thread::Builder::new()
            .name("argus-audit".into())
            .spawn(move || {
                while let Some(mut line) = receiver.blocking_recv() {
                    line.push('\n');
                    // One write per record: O_APPEND keeps lines whole.
                    match file.write_all(line.as_bytes()).and_then(|()| file.flush()) {
                        Ok(()) => {
                            counter.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => {
                            tracing::error!(file = %shown, error = %e, "cannot write the audit log")
                        }
                    }
                }
            })?;
        Ok(AuditLog {
            sender: Mutex::new(Some(sender)),
            writer: Mutex::new(Some(writer)),
            written,
            dropped: AtomicU64::new(0),
        })
    }

    /// Queues one record (a JSON line).
    pub fn submit(&self, line: String) {
        let sender = self.sender.lock().unwrap_or_else(|e| e.into_inner());
        let Some(sender) = sender.as_ref() else {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            tracing::error!("audit record after shutdown dropped");
            return;
        };
        if let Err(e) = sender.try_send(line) {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            let reason = match e {
                mpsc::error::TrySendError::Full(_) => "the audit log is not keeping up",
                mpsc::error::TrySendError::Closed(_) => "the audit log writer stopped",
            };
            tracing::error!(reason, "audit record dropped");
        }
    }

    /// Records written so far.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    /// Records dropped so far.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Writes what is queued and stops the writer.
    pub async fn close(&self) {
        drop(self.sender.lock().unwrap_or_else(|e| e.into_inner()).take());
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(writer) = writer {
            let _ = tokio::task::spawn_blocking(move || writer.join()).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_are_appended_owner_only_and_flushed_on_close() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit/argus-audit.jsonl");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "{\"earlier\":true}\n").unwrap();
        let log = AuditLog::open(&path).unwrap();
        for i in 0..100 {
            log.submit(format!("{{\"n\":{i}}}"));
        }
        log.close().await;
        log.submit("{\"late\":true}".into());
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 101);
        assert_eq!(lines[0], "{\"earlier\":true}");
        assert_eq!(lines[100], "{\"n\":99}");
        assert_eq!(log.written(), 100);
        assert_eq!(log.dropped(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}

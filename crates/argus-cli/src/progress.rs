//! A progress bar on standard error for scans that take a moment.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use argus_engine::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shown only on a terminal, and only once a scan has run for longer than
/// [`DELAY`], so quick scans print nothing extra.
pub struct ScanProgress {
    bar: ProgressBar,
    started: Instant,
    visible: Mutex<bool>,
}

const DELAY: Duration = Duration::from_millis(400);

impl ScanProgress {
    pub fn new() -> ScanProgress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} scanning [{bar:30}] {pos}/{len} files {elapsed} {wide_msg}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        ScanProgress {
            bar,
            started: Instant::now(),
            visible: Mutex::new(false),
        }
    }
}

impl Progress for ScanProgress {
    fn start(&self, files: u64) {
        self.bar.set_length(files);
    }

    fn advance(&self, path: &str) {
        self.bar.inc(1);
        if self.started.elapsed() > DELAY {
            let mut visible = self.visible.lock().expect("progress lock");
            if !*visible {
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
                self.bar.enable_steady_tick(Duration::from_millis(120));
                *visible = true;
            }
            self.bar.set_message(path.to_string());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

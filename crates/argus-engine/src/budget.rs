//! The wall-clock budget of the file a thread is analysing.
//!
//! Parsing is cancelled by tree-sitter's progress callback, but detectors
//! and the dataflow engines walk trees in loops of their own; a crafted
//! file can make one of them slow (deep nesting, quadratic shapes). They
//! call [`exceeded`] in their hot loops and stop early once the file's
//! deadline has passed; the analysis then reports the file as skipped for
//! a timeout instead of findings from half a walk.

use std::cell::Cell;
use std::time::{Duration, Instant};

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static EXPIRED: Cell<bool> = const { Cell::new(false) };
    static TICKS: Cell<u32> = const { Cell::new(0) };
}

/// The budget of one file on this thread, until dropped.
pub struct FileBudget {
    previous: Option<Instant>,
    previous_expired: bool,
}

impl FileBudget {
    /// Starts a budget of `limit` from now (nested budgets restore the
    /// outer one when dropped).
    pub fn start(limit: Duration) -> FileBudget {
        let previous = DEADLINE.with(|d| d.replace(Some(Instant::now() + limit)));
        let previous_expired = EXPIRED.with(|e| e.replace(false));
        FileBudget {
            previous,
            previous_expired,
        }
    }

    /// Whether the budget ran out at some point.
    pub fn expired(&self) -> bool {
        EXPIRED.with(Cell::get)
    }
}

impl Drop for FileBudget {
    fn drop(&mut self) {
        DEADLINE.with(|d| d.set(self.previous));
        EXPIRED.with(|e| e.set(self.previous_expired));
    }
}

/// Whether the current file's budget is spent. Cheap: the clock is read
/// once every 256 calls; once spent, it stays spent.
pub fn exceeded() -> bool {
    if EXPIRED.with(Cell::get) {
        return true;
    }
    let tick = TICKS.with(|t| {
        let next = t.get().wrapping_add(1);
        t.set(next);
        next
    });
    if !tick.is_multiple_of(256) {
        return false;
    }
    let Some(deadline) = DEADLINE.with(Cell::get) else {
        return false;
    };
    let over = Instant::now() >= deadline;
    if over {
        EXPIRED.with(|e| e.set(true));
    }
    over
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_and_restores() {
        assert!(!exceeded());
        {
            let budget = FileBudget::start(Duration::ZERO);
            let mut spent = false;
            for _ in 0..512 {
                spent |= exceeded();
            }
            assert!(spent && budget.expired());
        }
        for _ in 0..512 {
            assert!(!exceeded(), "no budget outside a file");
        }
        let budget = FileBudget::start(Duration::from_secs(3600));
        for _ in 0..512 {
            assert!(!exceeded());
        }
        assert!(!budget.expired());
    }
}

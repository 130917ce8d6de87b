//! A progress line on standard error while `gazette parse` reads a batch, when standard
//! error is a terminal: documents done of the total, their rate and the time left,
//! redrawn at most four times a second on one line (a carriage return, then the line
//! cleared to its end), and cleared before any other message and at the end. A batch of
//! a million articles takes a minute or more, silent before. Scripts and logs (standard
//! error a file or a pipe) get no progress line, only the messages, as before.

use std::io::Write;
use std::time::{Duration, Instant};

/// How often the line is redrawn at most.
const EVERY: Duration = Duration::from_millis(250);

/// Nothing is drawn before a batch has run this long: a small batch ends first.
const AFTER: Duration = Duration::from_millis(500);

/// The progress of one batch, drawn to `out` (standard error) if it is a terminal.
pub struct Progress<W: Write> {
    out: W,
    /// Whether anything is drawn at all.
    enabled: bool,
    started: Instant,
    total: usize,
    done: usize,
    /// When the line was last drawn, if it is on the screen now.
    drawn: Option<Instant>,
}

impl Progress<std::io::Stderr> {
    /// Progress on standard error, drawn only if it is a terminal.
    pub fn on_stderr() -> Self {
        use std::io::IsTerminal;
        let out = std::io::stderr();
        let enabled = out.is_terminal();
        Progress::new(out, enabled)
    }
}

impl<W: Write> Progress<W> {
    /// Progress drawn to `out`, or never if not `enabled`.
    pub fn new(out: W, enabled: bool) -> Self {
        Progress {
            out,
            enabled,
            started: Instant::now(),
            total: 0,
            done: 0,
            drawn: None,
        }
    }

    /// The batch will read `total` documents (more may be found in files that hold
    /// many: [`Progress::more`]). Inputs skipped before, while listing, are not among
    /// them.
    pub fn started(&mut self, total: usize) {
        self.total = total;
        self.done = 0;
    }

    /// `n` more documents were found.
    pub fn more(&mut self, n: usize) {
        self.total += n;
    }

    /// One more document was read (parsed or skipped).
    pub fn document(&mut self) {
        self.done += 1;
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let due = match self.drawn {
            Some(at) => now.duration_since(at) >= EVERY,
            None => now.duration_since(self.started) >= AFTER,
        };
        if due {
            let line = line(self.done, self.total, now.duration_since(self.started));
            // Progress is a courtesy: a terminal that cannot be written to loses only it.
            let _ = write!(self.out, "\r{line}\x1b[K");
            let _ = self.out.flush();
            self.drawn = Some(now);
        }
    }

    /// Writes `message` on a line of its own, the progress line cleared first.
    pub fn message(&mut self, message: &str) {
        self.clear();
        let _ = writeln!(self.out, "{message}");
    }

    /// Clears the progress line, if it is drawn.
    pub fn clear(&mut self) {
        if self.drawn.take().is_some() {
            let _ = write!(self.out, "\r\x1b[K");
            let _ = self.out.flush();
        }
    }
}

impl<W: Write> Drop for Progress<W> {
    /// A batch that ends early (an error) leaves no progress line under its message.
    fn drop(&mut self) {
        self.clear();
    }
}

/// The progress line: `gazette: 12,345 of 100,076 documents (12%), 5,021 a second, about
/// 18 s left`. The rate and the time left come once a second of work has passed.
fn line(done: usize, total: usize, elapsed: Duration) -> String {
    let total = total.max(done);
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    let mut line = format!(
        "gazette: {} of {} documents ({percent}%)",
        grouped(done),
        grouped(total)
    );
    let seconds = elapsed.as_secs_f64();
    if seconds >= 1.0 && done > 0 {
        let rate = done as f64 / seconds;
        line.push_str(&format!(", {} a second", grouped(rate.round() as usize)));
        let left = (total - done) as f64 / rate;
        if left < 0.5 {
            line.push_str(", under a second left");
        } else {
            line.push_str(&format!(", about {} left", duration(left)));
        }
    }
    line
}

/// `n` with its thousands grouped by commas.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A time left in seconds, as a person reads it: `18 s`, `4 min 05 s`, `2 h 10 min`.
fn duration(seconds: f64) -> String {
    let s = seconds.round().max(0.0) as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_how_far_how_fast_and_how_long() {
        assert_eq!(
            line(12_345, 100_076, Duration::from_secs(2)),
            "gazette: 12,345 of 100,076 documents (12%), 6,173 a second, about 14 s left"
        );
        assert_eq!(
            line(5, 10, Duration::from_millis(500)),
            "gazette: 5 of 10 documents (50%)",
            "no rate before a second"
        );
        assert_eq!(
            line(0, 0, Duration::from_secs(3)),
            "gazette: 0 of 0 documents (100%)"
        );
        assert_eq!(
            line(7, 3, Duration::ZERO),
            "gazette: 7 of 7 documents (100%)",
            "never more done than found"
        );
        assert!(line(1_000, 1_000_000, Duration::from_secs(10)).ends_with("about 2 h 46 min left"));
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(duration(245.0), "4 min 05 s");
        assert!(line(999, 1_000, Duration::from_secs(2)).ends_with(", under a second left"));
    }

    #[test]
    fn nothing_is_drawn_when_disabled_and_the_line_is_cleared_before_a_message() {
        let mut off = Progress::new(Vec::new(), false);
        off.started(3);
        off.started = Instant::now() - Duration::from_secs(5);
        off.document();
        off.message("gazette: a message");
        assert_eq!(String::from_utf8_lossy(&off.out), "gazette: a message\n");

        let mut on = Progress::new(Vec::new(), true);
        // An input skipped while listing, before the total is known, is not counted.
        on.document();
        on.started(3);
        on.document();
        assert!(on.out.is_empty(), "nothing in the first half second");
        on.started = Instant::now() - Duration::from_secs(5);
        on.document();
        let drawn = String::from_utf8_lossy(&on.out).into_owned();
        assert!(
            drawn.starts_with("\rgazette: 2 of 3 documents (66%)"),
            "{drawn:?}"
        );
        assert!(drawn.ends_with("\x1b[K"));
        on.document();
        assert_eq!(
            String::from_utf8_lossy(&on.out),
            drawn,
            "not redrawn within a quarter second"
        );
        on.message("gazette: skipped x");
        on.clear();
        assert_eq!(
            String::from_utf8_lossy(&on.out),
            format!("{drawn}\r\x1b[Kgazette: skipped x\n"),
            "cleared once, before the message"
        );
    }
}

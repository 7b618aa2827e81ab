//! Redaction: what of a secret may be shown.

/// Public prefixes that say what a token is without revealing it.
pub const PUBLIC_PREFIXES: &[&str] = &[
    "github_pat_",
    "ghp_",
    "gho_",
    "ghr_",
    "ghs_",
    "ghu_",
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "whsec_",
    "shpss_",
    "shpat_",
    "shpca_",
    "shppa_",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xoxr-",
    "xoxs-",
    "xoxe-",
    "xapp-",
    "ATATT3",
    "BBDC-",
    "dapi",
    "key-",
    "SG.",
    "AKIA",
    "ASIA",
    "AC",
    "SK",
    "https://hooks.slack.com/",
];

/// A short form of a secret: its public prefix (if it has one), two
/// characters, an ellipsis and the last two characters. Short values are
/// hidden entirely.
pub fn redact(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 12 {
        return "*".repeat(8);
    }
    let prefix = PUBLIC_PREFIXES
        .iter()
        .find(|p| value.starts_with(*p))
        .map_or(0, |p| p.chars().count());
    let head: String = chars[..(prefix + 2).min(chars.len() - 4)].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}…{tail}")
}

/// `line` with every byte range in `secrets` (relative to the line)
/// replaced: by the value's redacted form when the secret lies on this
/// line alone, by `…` when the line holds only part of a longer secret (a
/// key body line), so no line of a multi-line secret leaks any characters.
pub fn redact_line(line: &str, secrets: &[(std::ops::Range<usize>, bool)]) -> String {
    let mut ranges: Vec<(std::ops::Range<usize>, bool)> = secrets
        .iter()
        .map(|(r, whole)| (r.start.min(line.len())..r.end.min(line.len()), *whole))
        .filter(|(r, _)| r.start < r.end)
        .collect();
    ranges.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(line.len());
    let mut cursor = 0;
    for (range, whole) in ranges {
        if range.start < cursor
            || !line.is_char_boundary(range.start)
            || !line.is_char_boundary(range.end)
        {
            continue;
        }
        out.push_str(&line[cursor..range.start]);
        if whole {
            out.push_str(&redact(&line[range.clone()]));
        } else {
            out.push('…');
        }
        cursor = range.end;
    }
    out.push_str(&line[cursor..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_a_prefix_and_suffix() {
        assert_eq!(
            redact("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"),
            "ghp_M7…V4"
        );
        assert_eq!(redact("W1nter-is-c0ming!"), "W1…g!");
        assert_eq!(redact("hunter22"), "********");
        assert_eq!(
            redact_line("pw = \"W1nter-is-c0ming!\"", &[(6..23, true)]),
            "pw = \"W1…g!\""
        );
        assert_eq!(
            redact_line("MIIEowIBAAKCAQEAu1SU1LfVLPHCozMx", &[(0..32, false)]),
            "…"
        );
    }
}

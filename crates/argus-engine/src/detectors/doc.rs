//! Splits a detector's doc comment into its fixed sections.

use argus_model::DetectorDoc;

/// Parses the Markdown of a detector's doc comment. Lines of a `///` comment
/// start with one space, which is removed.
pub fn parse_doc(raw: &str) -> DetectorDoc {
    let markdown: String = raw
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string();
    let mut doc = DetectorDoc {
        markdown: markdown.clone(),
        ..DetectorDoc::default()
    };
    let mut section = String::new();
    let mut body: Vec<&str> = Vec::new();
    let flush = |section: &str, body: &[&str], doc: &mut DetectorDoc| {
        let text = body.join("\n").trim().to_string();
        match section {
            "What it does" => doc.what_it_does = unwrap_paragraphs(&text),
            "Why is this bad?" => doc.why_bad = unwrap_paragraphs(&text),
            "Example" => doc.example = code_block(&text),
            "Use instead" => doc.use_instead = code_block(&text),
            "References" => {
                doc.references = text
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("- "))
                    .map(str::to_string)
                    .collect();
            }
            _ => {}
        }
    };
    for line in markdown.lines() {
        if let Some(title) = line.strip_prefix("## ") {
            flush(&section, &body, &mut doc);
            section = title.trim().to_string();
            body.clear();
        } else {
            body.push(line);
        }
    }
    flush(&section, &body, &mut doc);
    doc
}

/// Joins the hard-wrapped lines of each paragraph (Markdown soft breaks),
/// keeping blank lines between paragraphs.
fn unwrap_paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| {
            paragraph
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The code inside the first fenced block of a section (or the section).
fn code_block(text: &str) -> String {
    let mut lines = text.lines();
    if lines.clone().next().is_some_and(|l| l.starts_with("```")) {
        lines.next();
        let code: Vec<&str> = lines.take_while(|l| !l.starts_with("```")).collect();
        return code.join("\n");
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sections() {
        let doc = parse_doc(
            " ## What it does\n Finds x.\n\n ## Why is this bad?\n Because.\n\n ## Example\n ```python\n bad()\n ```\n\n ## Use instead\n ```python\n good()\n ```\n\n ## References\n - [CWE-1](https://cwe.mitre.org/data/definitions/1.html)\n",
        );
        assert_eq!(doc.what_it_does, "Finds x.");
        assert_eq!(unwrap_paragraphs("a\nb\n\nc"), "a b\n\nc");
        assert_eq!(doc.why_bad, "Because.");
        assert_eq!(doc.example, "bad()");
        assert_eq!(doc.use_instead, "good()");
        assert_eq!(
            doc.reference_urls(),
            ["https://cwe.mitre.org/data/definitions/1.html"]
        );
    }
}

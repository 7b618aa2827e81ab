//! Findings about argus's own annotations.

use super::prelude::*;

detector! {
    /// ## What it does
    /// Reports `argus-ignore` comments that do not say which detector they
    /// silence or why: `argus-ignore` alone, `argus-ignore[<id>]` without a
    /// reason, or an empty reason.
    ///
    /// ## Why is this bad?
    /// A suppression is a security decision. Without the detector id it
    /// could hide any finding on the line, including ones nobody has
    /// reviewed; without a reason, the next reader cannot tell whether the
    /// decision still holds. A malformed suppression therefore suppresses
    /// nothing, and this finding says how to write it.
    ///
    /// ## Example
    /// ```python
    /// digest = hashlib.md5(data).hexdigest()  # argus-ignore
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// digest = hashlib.md5(data).hexdigest()  # argus-ignore[python/insecure-hashing]: cache key, not a security control
    /// ```
    ///
    /// ## References
    /// - argus documentation: `docs/suppressions.md`
    /// - [CWE-710: Improper Adherence to Coding Standards](https://cwe.mitre.org/data/definitions/710.html)
    pub static INVALID_SUPPRESSION = {
        ids: &["argus/invalid-suppression@v1.0"],
        languages: &[],
        name: "Malformed suppression comment",
        category: Category::Security,
        cwes: &[710],
        tags: &["suppression", "maintainability"],
        access: Access::AdditionalSecurity,
        effort: Effort::NotExploitable,
        remediation: "Name the detector and give the reason: `argus-ignore[<detector-id>]: <why this is safe>`, or remove the comment.",
        keywords: &[],
        check: Check::Engine,
    };
}

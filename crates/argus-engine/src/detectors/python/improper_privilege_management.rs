use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds two mistakes with process identities:
    ///
    /// - raising the process to root: `os.setuid(0)`, `os.seteuid(0)`,
    ///   `os.setgid(0)`, `os.setegid(0)`, and `os.setreuid`,
    ///   `os.setresuid`, `os.setregid`, `os.setresgid` with a literal `0`;
    /// - dropping privileges in the wrong order: `os.setuid(uid)` (or
    ///   `setreuid`/`setresuid`) followed, in the same function, by
    ///   `os.setgid`, `os.setegid`, `os.setregid`, `os.setresgid`,
    ///   `os.setgroups` or `os.initgroups`. Once the user id is no longer
    ///   root the group calls fail (or are silently skipped by a `try`),
    ///   and the process keeps root's groups.
    ///
    /// `os.seteuid` followed by `os.setegid` is not reported: that is also
    /// the order that restores saved privileges.
    ///
    /// ## Why is this bad?
    /// Code running as root turns every other weakness of the program into
    /// a full compromise of the host. A process that meant to drop to an
    /// unprivileged account but kept group 0 (or supplementary groups such
    /// as `wheel`, `docker`, `shadow`) can still read and write what those
    /// groups own.
    ///
    /// ## Example
    /// ```python
    /// import os
    ///
    /// def drop_privileges(uid, gid):
    ///     os.setuid(uid)
    ///     os.setgid(gid)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// def drop_privileges(uid, gid):
    ///     os.setgroups([])
    ///     os.setgid(gid)
    ///     os.setuid(uid)
    /// ```
    /// Run with the least privilege from the start (a dedicated account,
    /// capabilities) rather than switching to root at run time.
    ///
    /// ## References
    /// - [CWE-269: Improper Privilege Management](https://cwe.mitre.org/data/definitions/269.html)
    /// - [CWE-250: Execution with Unnecessary Privileges](https://cwe.mitre.org/data/definitions/250.html)
    /// - [CWE-696: Incorrect Behavior Order](https://cwe.mitre.org/data/definitions/696.html)
    /// - [SEI CERT POS36-C: Observe correct revocation order while relinquishing privileges](https://wiki.sei.cmu.edu/confluence/display/c/POS36-C.+Observe+correct+revocation+order+while+relinquishing+privileges)
    /// - [Python os.setuid](https://docs.python.org/3/library/os.html#os.setuid)
    pub static SPEC = {
        ids: &["python/improper-privilege-management@v1.0"],
        languages: &[Language::Python],
        name: "Improper privilege management",
        category: Category::Security,
        cwes: &[269, 250, 696],
        tags: &["access-control"],
        access: Access::FullControl,
        effort: Effort::RequiresSystemAccess,
        remediation: "Do not switch to root at run time; when dropping privileges, clear supplementary groups and set the group id before the user id.",
        keywords: &["setuid", "seteuid", "setreuid", "setresuid", "setgid", "setegid", "setregid", "setresgid"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// Functions changing the process's user or group ids.
const SET_IDS: &[&str] = &[
    "os.setuid",
    "os.seteuid",
    "os.setreuid",
    "os.setresuid",
    "os.setgid",
    "os.setegid",
    "os.setregid",
    "os.setresgid",
];

/// Functions that give up the user id for good.
const SET_UID: &[&str] = &["os.setuid", "os.setreuid", "os.setresuid"];

/// Functions that need root's user id to change groups.
const SET_GROUPS: &[&str] = &[
    "os.setgid",
    "os.setegid",
    "os.setregid",
    "os.setresgid",
    "os.setgroups",
    "os.initgroups",
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(callee) = checker.semantic.call_matches(call, text, SET_IDS) else {
        return;
    };
    let short = callee.trim_start_matches("os.");
    let arguments = positional_arguments(checker.grammar, call);
    if arguments
        .iter()
        .any(|a| a.kind() == "integer" && node_text(*a, text).trim_start_matches('0').is_empty())
    {
        let who = if short.contains("uid") {
            "user root (uid 0)"
        } else {
            "group root (gid 0)"
        };
        let violation = Violation::new(
            "root",
            format!("{short}(...) switches the process to {who}"),
        );
        checker.report(call, violation);
        return;
    }
    if !SET_UID.contains(&callee) {
        return;
    }
    let Some(later) = later_group_change(call, checker) else {
        return;
    };
    let line = text[..later.start_byte()].lines().count().max(1);
    let group_call = checker
        .semantic
        .call_matches(later, text, SET_GROUPS)
        .unwrap_or("os.setgid")
        .trim_start_matches("os.");
    let violation = Violation::new(
        "uid-before-gid",
        format!(
            "{short}(...) gives up root before {group_call}(...) on line {line}, which then cannot change the groups: the process keeps root's groups"
        ),
    );
    checker.report(call, violation);
}

/// A group change after `call` in the same function (or module body),
/// nested functions aside.
fn later_group_change<'t>(call: Node<'t>, checker: &Checker<'_>) -> Option<Node<'t>> {
    let mut scope = call;
    while let Some(parent) = scope.parent() {
        scope = parent;
        if matches!(scope.kind(), "function_definition" | "lambda") {
            break;
        }
    }
    let mut stack = vec![scope];
    let mut found: Option<Node<'t>> = None;
    while let Some(node) = stack.pop() {
        if node.end_byte() <= call.end_byte() {
            continue;
        }
        if node != scope && matches!(node.kind(), "function_definition" | "lambda") {
            continue;
        }
        if node.kind() == "call"
            && node.start_byte() >= call.end_byte()
            && checker
                .semantic
                .call_matches(node, checker.text, SET_GROUPS)
                .is_some()
            && found.is_none_or(|f| node.start_byte() < f.start_byte())
        {
            found = Some(node);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found
}

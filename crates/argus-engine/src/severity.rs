//! The spec's CVSS-based severity matrix: a detector declares the access an
//! attacker gains and the effort it takes; the severity follows.

use argus_model::{Access, Effort, Severity};

/// The severity of an (access, effort) cell, or `None` for a cell the spec
/// marks N/A — a detector declaring one has inconsistent metadata.
pub fn severity(access: Access, effort: Effort) -> Option<Severity> {
    use Access::*;
    use Effort::*;
    use Severity::*;
    match (access, effort) {
        (FullControl, NotExploitable) => None,
        (FullControl, RequiresSystemAccess) => Some(High),
        (FullControl, InternetHighEffort | OverInternet) => Some(Critical),
        (SensitiveInformation, NotExploitable) => None,
        (SensitiveInformation, RequiresSystemAccess) => Some(Medium),
        (SensitiveInformation, InternetHighEffort | OverInternet) => Some(High),
        (CrashOrSlowdown, NotExploitable | RequiresSystemAccess) => Some(Low),
        (CrashOrSlowdown, InternetHighEffort | OverInternet) => Some(Medium),
        (AdditionalSecurity, NotExploitable | RequiresSystemAccess) => Some(Info),
        (AdditionalSecurity, InternetHighEffort | OverInternet) => Some(Low),
        (BestPractice, NotExploitable) => Some(Info),
        (BestPractice, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_spec_table() {
        use Access::*;
        use Effort::*;
        let efforts = [
            NotExploitable,
            RequiresSystemAccess,
            InternetHighEffort,
            OverInternet,
        ];
        let table: [(Access, [Option<Severity>; 4]); 5] = [
            (
                FullControl,
                [
                    None,
                    Some(Severity::High),
                    Some(Severity::Critical),
                    Some(Severity::Critical),
                ],
            ),
            (
                SensitiveInformation,
                [
                    None,
                    Some(Severity::Medium),
                    Some(Severity::High),
                    Some(Severity::High),
                ],
            ),
            (
                CrashOrSlowdown,
                [
                    Some(Severity::Low),
                    Some(Severity::Low),
                    Some(Severity::Medium),
                    Some(Severity::Medium),
                ],
            ),
            (
                AdditionalSecurity,
                [
                    Some(Severity::Info),
                    Some(Severity::Info),
                    Some(Severity::Low),
                    Some(Severity::Low),
                ],
            ),
            (BestPractice, [Some(Severity::Info), None, None, None]),
        ];
        for (access, row) in table {
            for (effort, expected) in efforts.into_iter().zip(row) {
                assert_eq!(
                    severity(access, effort),
                    expected,
                    "{access:?} x {effort:?}"
                );
            }
        }
    }
}

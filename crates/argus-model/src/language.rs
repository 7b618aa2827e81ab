use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ParseEnumError;

/// A language argus analyses with detectors. The lower-case id is the prefix
/// of detector ids (`python/sql-injection@v1.0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Java,
    Python,
    JavaScript,
    TypeScript,
    CSharp,
    Go,
    Ruby,
    Terraform,
    CloudFormation,
}

impl Language {
    pub const ALL: [Language; 9] = [
        Language::Java,
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::CSharp,
        Language::Go,
        Language::Ruby,
        Language::Terraform,
        Language::CloudFormation,
    ];

    /// The id used in detector ids and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Language::Java => "java",
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
            Language::CSharp => "csharp",
            Language::Go => "go",
            Language::Ruby => "ruby",
            Language::Terraform => "terraform",
            Language::CloudFormation => "cloudformation",
        }
    }

    /// The name people use.
    pub fn display_name(self) -> &'static str {
        match self {
            Language::Java => "Java",
            Language::Python => "Python",
            Language::JavaScript => "JavaScript",
            Language::TypeScript => "TypeScript",
            Language::CSharp => "C#",
            Language::Go => "Go",
            Language::Ruby => "Ruby",
            Language::Terraform => "Terraform",
            Language::CloudFormation => "CloudFormation",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

impl FromStr for Language {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        let alias = match lower.as_str() {
            "js" | "jsx" => Some(Language::JavaScript),
            "ts" | "tsx" => Some(Language::TypeScript),
            "c#" | "cs" => Some(Language::CSharp),
            "py" => Some(Language::Python),
            "rb" => Some(Language::Ruby),
            "tf" | "hcl" => Some(Language::Terraform),
            "cfn" => Some(Language::CloudFormation),
            _ => None,
        };
        alias
            .or_else(|| Language::ALL.into_iter().find(|l| l.id() == lower))
            .ok_or_else(|| ParseEnumError {
                what: "language",
                value: s.to_string(),
                expected: "java, python, javascript, typescript, csharp, go, ruby, terraform, cloudformation",
            })
    }
}

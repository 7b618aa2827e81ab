use super::super::prelude::*;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into the image of a container started with the
    /// Docker SDK for Python: `client.containers.run(image, ...)` and
    /// `client.containers.create(image, ...)` on a client from
    /// `docker.from_env()` / `docker.DockerClient`, and the low-level
    /// `client.api.create_container(image, ...)` / `docker.APIClient`.
    ///
    /// Images chosen from a fixed mapping or written in code are not
    /// reported; neither are containers in files that do not import
    /// `docker`.
    ///
    /// ## Why is this bad?
    /// Whoever picks the image picks the code the Docker daemon runs, with
    /// the mounts, network and privileges the call grants. An attacker who
    /// names an image from their own registry gets code execution next to
    /// the service, often with the Docker socket or host paths in reach.
    ///
    /// ## Example
    /// ```python
    /// import docker
    /// from flask import request
    ///
    /// client = docker.from_env()
    ///
    /// @app.post("/jobs")
    /// def start_job():
    ///     client.containers.run(request.json["image"], detach=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import docker
    /// from flask import abort, request
    ///
    /// client = docker.from_env()
    /// IMAGES = {"python": "python:3.12-slim@sha256:...", "node": "node:22-slim@sha256:..."}
    ///
    /// @app.post("/jobs")
    /// def start_job():
    ///     image = IMAGES.get(request.json["runtime"]) or abort(400)
    ///     client.containers.run(image, detach=True)
    /// ```
    ///
    /// ## References
    /// - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    /// - [Docker SDK for Python: containers](https://docker-py.readthedocs.io/en/stable/containers.html)
    pub static SPEC = {
        ids: &["python/docker-arbitrary-container-run@v1.0"],
        languages: &[Language::Python],
        name: "Arbitrary container run",
        category: Category::Security,
        cwes: &[829, 94],
        tags: &["docker", "injection"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Choose the image from an allow-list of fixed, pinned images; never pass a name taken from a request to containers.run.",
        keywords: &["containers", "create_container"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const RUN: &str = "the image of a container started by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(".run", &[Arg::At(0, "image")], "container-image", RUN).when(on_containers),
        Sink::new(".create", &[Arg::At(0, "image")], "container-image", RUN).when(on_containers),
        Sink::new(
            ".create_container",
            &[Arg::At(0, "image")],
            "container-image",
            RUN,
        )
        .when(imports_docker),
    ],
    ..TaintSpec::DEFAULT
};

/// `<client>.containers.run(...)` in a file importing docker.
fn on_containers(call: Node<'_>, text: &str, semantic: &SemanticModel) -> bool {
    imports_docker(call, text, semantic)
        && call
            .py_field("function")
            .and_then(|f| f.py_field("object"))
            .filter(|o| o.kind() == "attribute")
            .and_then(|o| o.py_field("attribute"))
            .is_some_and(|a| node_text(a, text) == "containers")
}

fn imports_docker(_: Node<'_>, _: &str, semantic: &SemanticModel) -> bool {
    semantic.imports("docker")
}

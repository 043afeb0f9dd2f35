//! The end-to-end tests, compiled into one binary (ripgrep's layout): one link instead of one
//! per file. Each module starts the real `chaxin` binary (the CLI, or the server on an
//! ephemeral port) and checks what a user or an integrator sees.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod browse;
mod cli;
mod http;
mod novelty;
mod openapi;
mod ops;
mod reports;
mod security;
mod swap;
mod writes;

//! The `gonghui` binary's library: command line, configuration, start-up, demo data.

mod affinity;
pub mod cli;
pub mod config;
pub mod demo;
mod demo_care;
mod demo_direct;
mod demo_front;
mod demo_history;
mod demo_legal;
pub mod jobs;
pub mod startup;
pub mod telemetry;

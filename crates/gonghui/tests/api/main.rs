//! One integration-test binary: the real app on port 0 against a fresh database per test,
//! SQLite by default, PostgreSQL when GONGHUI_TEST_DATABASE_URL names a server.

mod helpers;

mod auth;
mod benefits;
mod calendar;
mod campaigns;
mod care;
mod cli;
mod direct;
mod faults;
mod hardship;
mod import;
mod legal;
mod legal_awareness;
mod legal_contracts;
mod legal_supervision;
mod members;
mod pages;
mod records;
mod schema;
mod scope;
mod unions;
mod work;

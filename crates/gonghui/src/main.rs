//! `gonghui`: the whole platform in one binary. Everything lives in the library; this only
//! starts it.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    gonghui::cli::main().await
}

"""One module per subcommand; each exports a function named after it that returns an exit code."""

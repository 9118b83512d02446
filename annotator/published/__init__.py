"""What is published from final scores: the leaderboard (`leaderboard`) and its formats
(`leaderboard_formats`), exports (`exports`), their files (`export_files`) and dataset card
(`dataset_card`)."""

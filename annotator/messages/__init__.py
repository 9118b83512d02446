"""UI text per area of the app, merged by `annotator.i18n`."""

"""Agreement page."""

from __future__ import annotations

import streamlit as st

from pages.common import require_access, t

user = require_access("agreement")
st.title(t("page_agreement"))

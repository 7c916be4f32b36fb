"""Domain package of Tuyến & Điểm nóng: geography, registry, data. Never imports streamlit."""

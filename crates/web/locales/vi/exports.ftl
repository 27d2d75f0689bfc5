# Xuất số liệu của kế hoạch và báo cáo năm: .xlsx, .docx (Nghị định 30/2020), CSV.
exports-heading = Tải xuống
exports-report-xlsx = Báo cáo dạng Excel (.xlsx)
exports-report-docx = Báo cáo dạng văn bản Word (.docx, thể thức Nghị định 30/2020)
exports-report-csv = Bảng chỉ số dạng CSV
exports-indicators-xlsx = Chỉ số dạng Excel (.xlsx)
exports-indicators-csv = Chỉ số dạng CSV
exports-frozen-note = Báo cáo đã gửi hoặc đã phê duyệt được xuất với số liệu tại thời điểm gửi; bản dự thảo được xuất với số liệu hiện tại.
exports-csv-note = Tệp CSV mã hóa UTF-8, các cột cách nhau bằng dấu chấm phẩy, số thập phân dùng dấu phẩy: mở trực tiếp bằng Excel.

# The inbox (the page after signing in) and the grouped menu.
nav-inbox = Việc cần làm
nav-group-voice = Tiếng nói trẻ em
nav-group-models = Mô hình
nav-group-activities = Hoạt động, kinh phí
nav-group-reports = Số liệu, báo cáo
nav-group-admin = Quản trị
nav-annual-plans = Kế hoạch năm
inbox-title = Việc cần làm
inbox-nothing = Không có việc nào đang chờ bạn.
inbox-due = hạn
inbox-overdue-since = quá hạn từ
inbox-see-all = Xem tất cả
inbox-group-safeguarding = An toàn của trẻ em
inbox-group-reports = Báo cáo năm
inbox-group-moderation = Ý kiến viết chờ kiểm duyệt
inbox-group-answers = Trả lời trẻ em quá hạn
inbox-group-recommendations = Kiến nghị cần trả lời
inbox-alerts = { $n_text } cảnh báo an toàn chưa xử lý
inbox-report-due = Báo cáo năm { $year } của đơn vị cần nộp
inbox-report-returned = Báo cáo năm { $year } bị trả lại: cần sửa và nộp lại
inbox-report-to-review = Báo cáo năm { $year } của { $unit } chờ duyệt
inbox-reports-late = { $n_text } đơn vị chưa nộp báo cáo năm { $year }
inbox-texts-waiting = { $title }: { $n_text } ý kiến chờ duyệt
inbox-answer-owed = Trả lời trẻ em về “{ $title }”
inbox-recommendation = { $text } ({ $agency })
# The pager under a long list.
pager-label = Các trang của danh sách
pager-prev = Trang trước
pager-next = Trang sau
pager-where = Dòng { $from }–{ $to } trong { $total } (trang { $page }/{ $last })
# Moderation by consultation.
moderation-all-consultations = Tất cả các cuộc tham vấn
moderation-filter = Lọc
moderation-only = Đang xem ý kiến của cuộc tham vấn

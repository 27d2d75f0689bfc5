# Reminders (đôn đốc): the page, the inbox, the mail and the letter.
reminders-title = Nhắc việc
reminders-intro = Các việc đã quá hạn của các đơn vị, cơ quan thuộc phạm vi của bạn. Chọn từng việc hoặc nhắc tất cả: mỗi lần nhắc được ghi lại, hiện trong hộp việc của bên được nhắc, gửi thư điện tử cho người có địa chỉ và có công văn đôn đốc để in.
reminders-overdue = Việc quá hạn
reminders-none = Không có việc nào quá hạn.
reminders-choose = Chọn
reminders-kind = Loại việc
reminders-party = Đơn vị, cơ quan
reminders-subject = Nội dung
reminders-due = Hạn
reminders-days = Số ngày quá hạn
reminders-send-chosen = Nhắc các việc đã chọn
reminders-send-all = Nhắc tất cả
reminders-done = Đã gửi nhắc việc.
reminders-letter = Công văn đôn đốc
reminders-letter-docx = Công văn (.docx)
reminders-sent = Đã nhắc trong 90 ngày qua
reminders-sent-none = Chưa nhắc việc nào trong 90 ngày qua.
reminders-date = Ngày nhắc
reminders-about = Về việc
reminders-mails = Thư đã gửi
reminders-no-address = Không có địa chỉ thư
reminders-unsent = còn thư chưa gửi
reminders-field-items = Việc quá hạn
reminders-open = Nhắc việc các đơn vị, cơ quan
reminder-kind-report = Báo cáo năm
reminder-kind-answer = Trả lời trẻ em
reminder-kind-recommendation = Kiến nghị của trẻ em
reminder-kind-forum = Báo cáo diễn đàn
reminder-report-year = Báo cáo năm { $year }
reminder-about-report = Báo cáo năm { $subject } của { $party } chưa được gửi; hạn gửi là ngày { $due }.
reminder-about-answer = Việc trả lời trẻ em về “{ $subject }” đã quá hạn từ ngày { $due }.
reminder-about-recommendation = Kiến nghị của trẻ em “{ $subject }” chưa được trả lời; hạn trả lời là ngày { $due }.
reminder-about-forum = Báo cáo kết quả diễn đàn “{ $subject }” chưa được gửi; hạn gửi là ngày { $due }.
reminder-mail-subject = Nhắc việc từ { $unit }
reminder-mail-body = Kính gửi { $name },

    { $about }

    Đề nghị đơn vị, cơ quan khẩn trương thực hiện. Thư này được gửi từ hệ thống Thamgia theo đề nghị của { $unit } ngày { $date }; vui lòng không trả lời thư này.
reminder-letter-summary = V/v đôn đốc thực hiện Kế hoạch thúc đẩy quyền tham gia của trẻ em
reminder-letter-opening = Thực hiện Kế hoạch thúc đẩy quyền tham gia của trẻ em, { $issuer } đề nghị các cơ quan, đơn vị khẩn trương hoàn thành các việc đã quá hạn sau:
reminder-letter-closing = Đề nghị các cơ quan, đơn vị quan tâm, khẩn trương thực hiện và báo cáo kết quả./.
inbox-group-reminders = Nhắc việc đã nhận
inbox-reminder = { $unit } nhắc: { $about }
field-email = Thư điện tử
field-email-hint = Nhận thư nhắc việc gửi đến đơn vị, cơ quan của tài khoản. Để trống nếu không nhận.

# Reminders (đôn đốc): the page, the inbox, the mail and the letter.
reminders-title = Reminders
reminders-intro = Work past its due date at the units and agencies in your scope. Choose items or remind all: each reminder is recorded, shows in the reminded party's inbox, is mailed to those with an address, and comes with an official letter to print.
reminders-overdue = Overdue work
reminders-none = Nothing is overdue.
reminders-choose = Choose
reminders-kind = Kind of work
reminders-party = Unit or agency
reminders-subject = Subject
reminders-due = Due
reminders-days = Days overdue
reminders-send-chosen = Remind the chosen items
reminders-send-all = Remind all
reminders-done = Reminders sent.
reminders-letter = Official reminder letter
reminders-letter-docx = Letter (.docx)
reminders-sent = Reminded in the last 90 days
reminders-sent-none = No reminders in the last 90 days.
reminders-date = Reminded on
reminders-about = About
reminders-mails = Mails sent
reminders-no-address = No mail address
reminders-unsent = some mails not sent yet
reminders-field-items = Overdue work
reminders-open = Remind units and agencies
reminder-kind-report = Annual report
reminder-kind-answer = Answer to children
reminder-kind-recommendation = Children's recommendation
reminder-kind-forum = Forum report
reminder-report-year = Annual report { $year }
reminder-about-report = The { $subject } annual report of { $party } has not been sent; it was due on { $due }.
reminder-about-answer = The answer to the children about “{ $subject }” is overdue since { $due }.
reminder-about-recommendation = The children's recommendation “{ $subject }” has not been answered; it was due on { $due }.
reminder-about-forum = The report of the forum “{ $subject }” has not been sent; it was due on { $due }.
reminder-mail-subject = Reminder from { $unit }
reminder-mail-body = Dear { $name },

    { $about }

    Please see to it promptly. This mail was sent by Thamgia at the request of { $unit } on { $date }; please do not reply to it.
reminder-letter-summary = Re: reminder to carry out the plan for children's participation
reminder-letter-opening = Under the plan for children's participation, { $issuer } asks the agencies and units to complete promptly the overdue work below:
reminder-letter-closing = The agencies and units are asked to see to it promptly and report the result.
inbox-group-reminders = Reminders received
inbox-reminder = { $unit } reminds: { $about }
field-email = E-mail
field-email-hint = Receives the reminders sent to the account's unit or agency. Leave empty to receive none.

# The inbox (the page after signing in) and the grouped menu.
nav-inbox = To do
nav-group-voice = Children's voice
nav-group-models = Models
nav-group-activities = Activities, money
nav-group-reports = Figures, reports
nav-group-admin = Admin
nav-annual-plans = Annual plans
inbox-title = To do
inbox-nothing = Nothing is waiting for you.
inbox-due = due
inbox-overdue-since = overdue since
inbox-see-all = See all
inbox-group-safeguarding = Children's safety
inbox-group-reports = Annual reports
inbox-group-moderation = Written answers waiting for moderation
inbox-group-answers = Answers to children overdue
inbox-group-recommendations = Recommendations to answer
inbox-alerts = { $n ->
    [one] { $n_text } safeguarding alert not yet handled
   *[other] { $n_text } safeguarding alerts not yet handled
}
inbox-report-due = The unit's { $year } annual report is due
inbox-report-returned = The { $year } annual report was returned: correct it and submit it again
inbox-report-to-review = { $unit }'s { $year } annual report is waiting for review
inbox-reports-late = { $n ->
    [one] { $n_text } unit has not submitted its { $year } report
   *[other] { $n_text } units have not submitted their { $year } report
}
inbox-texts-waiting = { $title }: { $n ->
    [one] { $n_text } text waiting
   *[other] { $n_text } texts waiting
}
inbox-answer-owed = Answer the children about “{ $title }”
inbox-recommendation = { $text } ({ $agency })
# The pager under a long list.
pager-label = Pages of the list
pager-prev = Previous page
pager-next = Next page
pager-where = Rows { $from }–{ $to } of { $total } (page { $page } of { $last })
# Moderation by consultation.
moderation-all-consultations = All consultations
moderation-filter = Filter
moderation-only = Showing the texts of the consultation
moderation-from = From
moderation-to = To
moderation-dates-hint = The day the child sent the text, as dd/mm/yyyy, for example 15/03/2019; leave empty not to filter.
moderation-err-not-a-date = not a date; type it as dd/mm/yyyy, for example 15/03/2019.
moderation-err-date-order = must not be before «From».

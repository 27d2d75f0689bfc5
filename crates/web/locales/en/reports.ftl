# Annual reports: the district → province chain and year locks
nav-reports = Reports
report-list-title = Annual reports
report-list-intro = { $reporters } report the year's results of the plan to { $recipient } for consolidation. Due: 15 January of the next year (the plan asks for yearly reports without a day).
report-list-intro-no-plan = No plan covers this year: reports are recorded but there are no targets to compare with.
# Every unit of a level (reporters in the list's intro, recipient lines of an exported report)
report-reporters-district = the districts and the city
report-reporters-commune = the communes and wards
report-reporters-school = the schools
report-reporters-village = the villages
report-reporters-province = the provinces
report-reporters-other = the units
report-list-caption = Annual reports
report-field-year = Year
report-show = Show
report-completeness = Submission
report-districts-submitted = units submitted
report-districts-approved = units approved
report-districts-on-time = reports submitted on time
report-districts-overdue = units overdue
report-field-unit = Unit
report-field-status = Status
report-field-due = Due
report-field-first-submitted = First submitted
report-field-on-time = On time?
report-yes = Yes
report-no = No
report-unit-ended = Ended on
report-overdue = Overdue
report-on-time = on time
report-late = late
report-title = Annual report
report-status-none = No report yet
report-status-draft = Draft
report-status-submitted = Submitted, awaiting review
report-status-returned = Returned
report-status-approved = Approved
report-action-submit = Submitted
report-action-return = Returned
report-action-approve = Approved
report-action-reopen = Reopened
report-do-submit = Submit the report
report-do-return = Return for changes
report-do-approve = Approve and lock the year
report-do-reopen = Reopen the report
report-done-narrative = The report's text was saved.
report-done-submit = The report was submitted; its figures were frozen on submission.
report-done-return = The report was returned with the reason.
report-done-approve = The report was approved; the unit's year is locked.
report-done-reopen = The report was reopened; the year is no longer locked.
report-returned-reason = The report was returned:
report-figures-of = Figures
report-frozen = frozen on submission on
report-live = computed live on
report-exports = Download
report-moves = Act on the report
report-reason = Reason
report-required = required
report-figures = Indicators
report-figures-caption = Indicators for
report-code = Code
report-indicator = Indicator
report-value = Result
report-target = Target
report-standing = Standing
report-districts = The reports of the units below
report-districts-help = Each unit's figures are those it was approved with (frozen on submission); the indicators above are the live figures of the whole province.
report-districts-caption = The reports of the units below for
report-missing = No approved report yet:
report-not-approved = Not approved
report-activities = Activities
report-activities-total = Activities in the year
report-trained = People trained by group
report-group = Group
report-female = Female
report-male = Male
report-money = Funding
report-budget = Budget
report-spent = Spent
report-money-by-source = Funding by source
report-money-by-project = Funding by project
report-source = Source
report-project = Project
report-overspent = over budget
report-models = Forums, councils, clubs and children's recommendations
report-forums = Children's forums in the year
report-no-forums = No forum in the year.
report-date = Date
report-level = Level
report-theme = Theme
report-children = Children
report-warnings = Warnings
report-level-national = National
report-level-province = Province
report-level-district = District
report-level-commune = Commune
report-level-other = Other
report-councils-line = Children's councils: { $total ->
        [one] { $total_text } council
       *[other] { $total_text } councils
    }, { $dialogues ->
        [one] { $dialogues_text } dialogue
       *[other] { $dialogues_text } dialogues
    }; { $with ->
        [one] { $with_text } unit held a dialogue
       *[other] { $with_text } units held a dialogue
    } ({ $names }).
report-clubs-line = Participation clubs: { $total ->
        [one] { $total_text } club
       *[other] { $total_text } clubs
    }, { $active_text } active, { $activities ->
        [one] { $activities_text } activity
       *[other] { $activities_text } activities
    } ({ $girls ->
        [one] { $girls_text } girl
       *[other] { $girls_text } girls
    } and { $boys ->
        [one] { $boys_text } boy
       *[other] { $boys_text } boys
    } taking part).
report-recs-line = Children's recommendations: { $received } received, { $answered } answered, { $overdue } overdue.
report-agencies = Answer rate by agency
report-agency = Agency
report-received = Received
report-answered = Answered
report-answer-rate = Answer rate
report-narrative = The report's text
report-doc-number = Document number (Số: …/BC-…)
report-place = Place
report-signer-name = Signed by
report-signer-title = Signer's title
report-recipients = Recipients (one a line)
report-results = Results
report-difficulties = Difficulties
report-proposals = Proposals
report-save = Save the text
report-history = History
report-no-history = The report has not been submitted yet.
report-fix-errors = Please correct the marked fields; nothing was changed.
report-invalid-too-long = Too long.
report-invalid-required = A reason is required.
report-invalid-unknown-option = Not a valid action.
report-refused-wrong-state = This cannot be done to the report in its present state; nothing was changed.
report-refused-not-allowed = You may not do this to the report; nothing was changed. Nobody approves their own unit's report (except the province's).
report-refused-year-locked = This year's figures of the unit are approved and locked.
error-year_locked = The year is approved and locked
error-year_locked-help = This year's figures of the unit were approved and are locked: records of that year cannot be added, changed or deleted until the coordinator reopens the annual report (with a reason). Nothing was changed.
error-wrong_state = Wrong state
error-wrong_state-help = This cannot be done to the report in its present state; nothing was changed.
error-not_allowed = Not allowed
error-not_allowed-help = Your role may not do this to the report; nothing was changed.

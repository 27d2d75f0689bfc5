# Exports of the plan's numbers and the annual report: .xlsx, .docx (Decree 30/2020), CSV.
exports-heading = Download
exports-report-xlsx = Report as Excel (.xlsx)
exports-report-docx = Report as a Word document (.docx, Decree 30/2020 layout)
exports-report-csv = Indicator table as CSV
exports-indicators-xlsx = Indicators as Excel (.xlsx)
exports-indicators-csv = Indicators as CSV
exports-frozen-note = A submitted or approved report is exported with the figures it was sent with; a draft with today's figures.
exports-csv-note = The CSV file is UTF-8, with columns separated by semicolons and a decimal comma: Excel opens it directly.

# Exported workbooks (activities, funding): sheet names, column headers, totals rows.
xlsx-sheet-activities = Activities
xlsx-sheet-participants = Participants
xlsx-sheet-by-project = By project
xlsx-sheet-by-source = By source
xlsx-sheet-by-unit = By unit
xlsx-sheet-by-year = By year
xlsx-sheet-budget-lines = Budget lines
xlsx-unit-code = Unit code
xlsx-unit-name = Unit
xlsx-people-total = People taking part
xlsx-spent = Spent (đồng)
xlsx-budget = Budget (đồng)
xlsx-remaining = Remaining (đồng)
xlsx-over-budget = Over budget
xlsx-yes = Yes
xlsx-group = Participant group
xlsx-female = Female
xlsx-male = Male
xlsx-total = Total
xlsx-activities-with-group = Activities with the group
xlsx-project-code = Project code
xlsx-project = Project or model
xlsx-activities = Activities
xlsx-people = People taking part
xlsx-source-code = Source code
xlsx-source = Funding source
xlsx-year = Year
xlsx-grand-total = Total
xlsx-total-activities = Total ({ $n ->
        [one] { $n_text } activity
       *[other] { $n_text } activities
    })
xlsx-total-lines = Total ({ $n ->
        [one] { $n_text } line
       *[other] { $n_text } lines
    })

# Exports of the plan's numbers and the annual report: .xlsx, .docx (Decree 30/2020), CSV.
exports-heading = Download
exports-report-xlsx = Report as Excel (.xlsx)
exports-report-docx = Report as a Word document (.docx, Decree 30/2020 layout)
exports-report-csv = Indicator table as CSV
exports-indicators-xlsx = Indicators as Excel (.xlsx)
exports-indicators-csv = Indicators as CSV
exports-frozen-note = A submitted or approved report is exported with the figures it was sent with; a draft with today's figures.
exports-csv-note = The CSV file is UTF-8, with columns separated by semicolons and a decimal comma: Excel opens it directly.

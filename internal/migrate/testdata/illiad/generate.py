#!/usr/bin/env python3
"""Writes the ILLiad export fixture (Transactions.csv, Users.csv,
LenderAddresses.csv) used by the migration import tests.

Deterministic: run it again and the files are the same. The rows cover every
TransactionStatus of the ILLiad preset on both sides (docs/migration.md), Doc
Del rows (skipped), and broken rows, each marked by a "BROKEN:" comment in
BROKEN below with the reason the import must report.
"""
import csv
import io
import os
import random

random.seed(13)
HERE = os.path.dirname(os.path.abspath(__file__))

BORROWING = [
    "Awaiting Request Processing", "Awaiting Duplicate Checking", "Awaiting Account Clearance",
    "Awaiting RAPID Request Sending", "Awaiting Copyright Clearance", "Awaiting Customer Contact",
    "Awaiting Unfilled Processing", "Request Sent", "Request Conditionalized", "Awaiting Conditional Processing",
    "Awaiting Post Receipt Processing", "In Electronic Delivery Processing", "Customer Notified via E-Mail",
    "Customer Notified via Mail", "Checked Out to Customer", "Renewed by Customer", "Awaiting Renewal OK Processing",
    "Renewal Requested", "Overdue", "Awaiting Recalled Processing", "Recalled by Lender",
    "Awaiting Return Label Printing", "Checked In from Customer", "Lost by Customer", "Delivered to Web",
    "Request Finished", "Cancelled by ILL Staff", "Cancelled by Customer", "Awaiting Unfilled Notification Sending",
    "Awaiting Cancellation Notification Sending",
]
LENDING = [
    "Awaiting Lending Request Processing", "Awaiting Stacks Searching", "In Stacks Searching",
    "Awaiting Update Stacks Searching", "Not on Shelf", "Awaiting Conditional Processing", "Request Conditionalized",
    "In Electronic Delivery Processing", "Awaiting Odyssey Processing", "Awaiting Lending Label Printing",
    "Awaiting Shipping", "Item Shipped", "Awaiting Renewal Processing", "Item Overdue", "Item Recalled",
    "Awaiting Lending Returns Processing", "Awaiting Lending Cancellation Processing", "Item Lost",
    "Request Finished", "Delivered to Web", "Cancelled by ILL Staff", "Cancelled by Customer",
]
DOCDEL = ["Awaiting Doc Del Processing", "Delivered to Web"]
# Statuses where a borrowed item is (or was) on loan and has a due date.
ON_LOAN = {"Checked Out to Customer", "Renewed by Customer", "Awaiting Renewal OK Processing", "Renewal Requested",
           "Overdue", "Awaiting Recalled Processing", "Recalled by Lender", "Awaiting Return Label Printing",
           "Checked In from Customer", "Customer Notified via E-Mail", "Customer Notified via Mail",
           "Awaiting Post Receipt Processing", "Item Shipped", "Awaiting Renewal Processing", "Item Overdue",
           "Item Recalled", "Awaiting Lending Returns Processing"}
# Statuses that only make sense for an article.
ARTICLE_ONLY = {"Delivered to Web", "In Electronic Delivery Processing", "Awaiting Odyssey Processing",
                "Awaiting Copyright Clearance"}
LOAN_ONLY = ON_LOAN | {"Awaiting Lending Label Printing", "Awaiting Shipping", "Lost by Customer", "Item Lost"}

COLUMNS = ["TransactionNumber", "Username", "RequestType", "LoanAuthor", "LoanTitle", "LoanPublisher", "LoanPlace",
           "LoanDate", "LoanEdition", "PhotoJournalTitle", "PhotoJournalVolume", "PhotoJournalIssue",
           "PhotoJournalMonth", "PhotoJournalYear", "PhotoJournalInclusivePages", "PhotoArticleAuthor",
           "PhotoArticleTitle", "CitedIn", "TransactionStatus", "TransactionDate", "ISSN", "ILLNumber", "ESPNumber",
           "LendingString", "DueDate", "LendingLibrary", "ReasonForCancellation", "CallNumber", "ProcessType",
           "LenderAddressNumber", "CopyrightAlreadyPaid", "CopyrightComp", "SpecIns", "NotWantedAfter", "MaxCost",
           "CreationDate", "DOI"]

BOOKS = [("Morrison, Toni", "Beloved", "Knopf", "New York", "1987", "9780394535975", "15366775"),
         ("Ostrom, Elinor", "Governing the Commons", "Cambridge University Press", "Cambridge", "1990", "0521405998", "20825523"),
         ("Le Guin, Ursula K.", "The Dispossessed", "Harper & Row", "New York", "1974", "", "800587"),
         ("Said, Edward W.", "Orientalism", "Pantheon Books", "New York", "1978", "0394428145", "4004102"),
         ("Carson, Rachel", "Silent Spring", "Houghton Mifflin", "Boston", "1962", "", "1303233"),
         ("Achebe, Chinua", "Things Fall Apart", "Heinemann", "London", "1958", "", "2507423"),
         ("Kuhn, Thomas S.", "The Structure of Scientific Revolutions", "University of Chicago Press", "Chicago", "1962", "", "168406"),
         ("Arendt, Hannah", "The Human Condition", "University of Chicago Press", "Chicago", "1958", "0226025985", "313787"),
         ("Braudel, Fernand", "La Méditerranée et le monde méditerranéen", "Armand Colin", "Paris", "1949", "", "1581436"),
         ("Jacobs, Jane", "The Death and Life of Great American Cities", "Random House", "New York", "1961", "", "500754")]
JOURNALS = [("Journal of Academic Librarianship", "0099-1333"), ("College & Research Libraries", "0010-0870"),
            ("Library Quarterly", "0024-2519"), ("Interlending & Document Supply", "0264-1615"),
            ("Journal of Documentation", "0022-0418"), ("Serials Review", "0098-7913"),
            ("Reference Services Review", "0090-7324"), ("Journal of Library Administration", "")]
LENDERS = ["ZCU", "YUS", "CGU", "NYP", "DLC", "IUL", "MNU", "TXA", "WAU", "COD", "EYM", "OSU", "PAU", "HVD"]
USERS = ["u%03d" % i for i in range(1, 41)]


def dt(y, m, d, h=10, mi=15, style=0):
    if style == 1:
        hh = h % 12 or 12
        return "%d/%d/%d %d:%02d:00 %s" % (m, d, y, hh, mi, "AM" if h < 12 else "PM")
    return "%04d-%02d-%02d %02d:%02d:00.000" % (y, m, d, h, mi)


def rand_date(open_):
    if open_:
        return 2026, random.choice([1, 2]), random.randint(1, 27)
    y = random.choice([2025, 2025, 2026])
    return y, random.randint(1, 12) if y == 2025 else random.choice([1, 2]), random.randint(1, 27)


rows = []
number = [200000]


def add(process, status, kind=None, journal=None, created=None, user=None, paid="No", article_year=None, lender=None):
    number[0] += 1
    n = number[0]
    if kind is None:
        kind = "Article" if status in ARTICLE_ONLY else "Loan" if status in LOAN_ONLY else random.choice(["Loan", "Article"])
    terminal = status in ("Request Finished", "Delivered to Web", "Cancelled by ILL Staff", "Cancelled by Customer")
    if created is None:
        created = rand_date(not terminal)
    y, m, d = created
    r = dict.fromkeys(COLUMNS, "")
    style = n % 3 == 0
    r.update(TransactionNumber=str(n), ProcessType=process, RequestType=kind, TransactionStatus=status,
             CreationDate=dt(y, m, d, 9, n % 60, style), CopyrightAlreadyPaid=paid)
    ty, tm, td = (y, m, min(d + 2, 28))
    r["TransactionDate"] = dt(ty, tm, td, 14, n % 60, style)
    if process == "Borrowing":
        r["Username"] = user or random.choice(USERS)
        r["LendingLibrary"] = lender or ("" if status.startswith("Awaiting Request") else random.choice(LENDERS))
        r["LenderAddressNumber"] = "1" if r["LendingLibrary"] else ""
        r["ILLNumber"] = str(300000000 + n) if r["LendingLibrary"] else ""
        r["LendingString"] = ",".join(random.sample(LENDERS, 3))
    elif process == "Lending":
        r["Username"] = "Lending"
        r["LendingLibrary"] = lender or random.choice(LENDERS)
        r["ILLNumber"] = str(400000000 + n)
        r["CallNumber"] = "PN%d .%s%d" % (random.randint(100, 999), chr(65 + n % 26), n % 90)
    else:
        r["Username"] = random.choice(USERS)
    if kind == "Loan":
        a, t, p, pl, dte, isbn, oclc = random.choice(BOOKS)
        r.update(LoanAuthor=a, LoanTitle=t, LoanPublisher=p, LoanPlace=pl, LoanDate=dte, ISSN=isbn, ESPNumber=oclc)
        if status in ON_LOAN:
            r["DueDate"] = "%04d-%02d-%02d" % (2026, 3 + n % 3, 1 + n % 27)
    else:
        jt, issn = journal or random.choice(JOURNALS)
        r.update(PhotoJournalTitle=jt, ISSN=issn, PhotoJournalVolume=str(random.randint(10, 60)),
                 PhotoJournalIssue=str(random.randint(1, 6)), PhotoJournalYear=article_year or str(random.choice([2019, 2022, 2024, 2025])),
                 PhotoJournalInclusivePages="%d-%d" % (n % 200, n % 200 + 12), PhotoArticleAuthor="Author %d" % n,
                 PhotoArticleTitle="Article number %d on resource sharing" % n, CitedIn="Google Scholar",
                 CopyrightComp=random.choice(["CCG", "CCL", ""]) if process == "Borrowing" else "")
        if n % 7 == 0:
            r["DOI"] = "10.1000/ill.%d" % n
    if status.startswith("Cancelled"):
        r["ReasonForCancellation"] = random.choice(["Not available", "Duplicate request", "Patron no longer needs"])
    if n % 11 == 0:
        r["SpecIns"] = "Please send by courier"
    if n % 13 == 0:
        r["MaxCost"] = "25.00"
    rows.append(r)
    return r


# Every status on both sides, several times.
for status in BORROWING:
    for _ in range(4):
        add("Borrowing", status)
for status in LENDING:
    for _ in range(4):
        add("Lending", status)
for status in DOCDEL:
    add("Doc Del", status, kind="Article")
# The copyright scenario: five counting copies of one journal in 2026
# (published 2024), plus rows of it that do not count.
JILL = ("Journal of Interlibrary Loan, Document Delivery & Electronic Reserve", "1072-303X")
for status in ["Request Finished", "Delivered to Web", "Delivered to Web", "Request Sent", "Awaiting Post Receipt Processing"]:
    add("Borrowing", status, kind="Article", journal=JILL, created=(2026, 2, 3), article_year="2024")
add("Borrowing", "Cancelled by ILL Staff", kind="Article", journal=JILL, created=(2026, 2, 4), article_year="2024")
add("Borrowing", "Delivered to Web", kind="Article", journal=JILL, created=(2026, 2, 5), article_year="2024", paid="Yes")
add("Borrowing", "Delivered to Web", kind="Article", journal=JILL, created=(2025, 6, 5), article_year="2024")
# A patron the users file does not have (imported without a patron).
add("Borrowing", "Request Finished", user="ghost99")

BROKEN = []


def broken(reason, **changes):
    r = add("Borrowing", "Request Finished")
    r.update(changes)
    BROKEN.append((r["TransactionNumber"], reason))
    return r


broken("bad date", TransactionDate="31/31/2025 25:00", CreationDate="not a date")
broken("bad due date", TransactionStatus="Checked Out to Customer", RequestType="Loan", DueDate="2026-02-30x")
broken("unknown status", TransactionStatus="Awaiting Gremlin Processing")
broken("missing title", RequestType="Loan", LoanTitle="", LoanAuthor="", ISSN="", ESPNumber="", PhotoJournalTitle="",
       PhotoArticleTitle="", DOI="")
broken("no status", TransactionStatus="")
broken("unknown process type", ProcessType="Borrowing Lending")
broken("no transaction number", TransactionNumber="")
dup = broken("duplicate transaction number")
dup["TransactionNumber"] = rows[10]["TransactionNumber"]
broken("lending without a borrowing library", ProcessType="Lending", LendingLibrary="", TransactionStatus="Item Shipped")

out = io.StringIO()
w = csv.writer(out, lineterminator="\r\n")
w.writerow(COLUMNS)
for i, r in enumerate(rows):
    w.writerow([r[c] for c in COLUMNS])
    if i == 120:
        # A row with the wrong number of columns (a truncated export line).
        out.write('209999,u001,Loan,"Truncated, Row",Lost columns\r\n')
with open(os.path.join(HERE, "Transactions.csv"), "w", newline="", encoding="utf-8") as f:
    f.write(out.getvalue())

# Users.
UCOLS = ["Username", "LastName", "FirstName", "SSN", "Status", "EMailAddress", "Phone", "Department", "NVTGC",
         "NotificationMethod", "DeliveryMethod", "LoanDeliveryMethod", "Cleared", "ExpirationDate", "UserInfo1"]
first = ["Ada", "Grace", "Alan", "Katherine", "Tim", "Barbara", "Edsger", "Frances", "Donald", "Radia"]
last = ["Lovelace", "Hopper", "Turing", "Johnson", "Berners-Lee", "Liskov", "Dijkstra", "Allen", "Knuth", "Perlman"]
with open(os.path.join(HERE, "Users.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(UCOLS)
    for i, u in enumerate(USERS):
        cleared = "B" if i == 5 else "DIS" if i == 6 else "Yes"
        w.writerow([u, last[i % 10], first[i % 10], "2100%06d" % i if i % 4 else "", random.choice(["Faculty", "Graduate", "Undergraduate", "Staff"]),
                    "%s@example.edu" % u, "555-01%02d" % i, random.choice(["History", "Biology", "Library"]), "ILL",
                    "E-Mail", "Hold for Pickup", "Hold for Pickup", cleared, "2027-06-30" if i % 5 else "6/30/2027", ""])
    w.writerow(["", "Nobody", "No", "", "Staff", "nobody@example.edu", "", "", "ILL", "", "", "", "Yes", "2027-06-30", ""])
    w.writerow(["u900", "Bad", "Date", "", "Staff", "bad@example.edu", "", "", "ILL", "", "", "", "Yes", "the year 3000", ""])
    w.writerow(["u001", "Again", "Ada", "", "Staff", "again@example.edu", "", "", "ILL", "", "", "", "Yes", "2027-06-30", ""])

# Lender addresses.
LCOLS = ["LenderString", "AddressNumber", "LibraryName", "Address1", "Address2", "Address3", "Address4", "EMailAddress",
         "Phone", "Fax", "ElectronicDeliveryAddress", "NVTGC"]
with open(os.path.join(HERE, "LenderAddresses.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(LCOLS)
    for i, l in enumerate(LENDERS):
        w.writerow([l, "1", "Library %s" % l, "Interlibrary Loan", "%d University Ave" % (100 + i), "City %d, ST 0%04d" % (i, i), "",
                    "ill@%s.example.edu" % l.lower(), "555-02%02d" % i, "", "", "ILL"])
        if i % 4 == 0:
            w.writerow([l, "2", "Library %s" % l, "Returns Desk", "%d Dock Rd" % (i + 1), "City %d, ST 0%04d" % (i, i), "",
                        "", "", "", "", "ILL"])
    w.writerow(["", "1", "No symbol", "", "", "", "", "", "", "", "", "ILL"])
    w.writerow(["ZCU", "1", "Library ZCU again", "", "", "", "", "", "", "", "", "ILL"])

print("transactions: %d rows (+1 truncated), broken: %s" % (len(rows), ", ".join("%s=%s" % b for b in BROKEN)))

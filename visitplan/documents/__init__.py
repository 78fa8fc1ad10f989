"""The documents of a visit, over one rendering layer.

    render.py     the one Jinja2 environment factory (translator, dates, language facts)
    context.py    what every document's context is built from (tagged text, people, dates)
    itinerary.py  the guest's itinerary          checklist.py  the staff checklist
    calendar.py   itinerary.ics                  build.py      `prepare`: all three at once
    fit.py        measuring names with the faces that draw them
    sign.py       the pickup sign and `sign`     welcome.py    the front-desk screen
    logo.py       the brand logo and its rule    pdf.py        HTML → PDF, the URL fetcher
    output.py     one command's files switch together       resources.py  the built-ins
"""

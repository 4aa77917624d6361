#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Writes a deterministic KML file of N placemarks shaped like a Google My
# Maps export: one Folder per layer, CDATA descriptions, ExtendedData with
# the layer's columns, icon styles (Style pairs and a StyleMap) written
# AFTER the folders, a few lines and polygons among the points.
#
#   build-aux/bench-generate.py 100000 > assets-100000.kml
#
# With --shape=sheet, the layers are made the way My Maps makes a layer
# from an imported spreadsheet: five Data fields per placemark (the
# sheet's columns), the description the same columns as HTML lines
# ("Column: value<br>", in CDATA, with accented text), names with "&amp;".
#
#   build-aux/bench-generate.py --shape=sheet 100000 > sheet-100000.kml
#
# With --shape=minimal, each placemark is a name and a point, nothing else
# (for the million-placemark runs).
#
# The same N (and shape) always gives the same bytes (a seeded generator,
# no clock).

import random
import sys
from xml.sax.saxutils import escape

LAYERS = [
    # layer name, My Maps style id, icon color
    ("Businesses", "icon-1684-0288D1", "0288D1"),
    ("Faith communities", "icon-1671-7B1FA2", "7B1FA2"),
    ("Nonprofits and clubs", "icon-1577-E65100", "E65100"),
    ("Parks and playgrounds", "icon-1720-0F9D58", "0F9D58"),
    ("Clinics", "icon-1807-C2185B", "C2185B"),
]

KINDS = ["Bakery", "Corner Store", "Barbershop", "Laundromat", "Taquería",
         "Church", "Mosque", "Temple", "Food Pantry", "Boys & Girls Club",
         "Youth League", "Park", "Playground", "Clinic", "Pharmacy",
         "Library Branch", "Community Garden", "Tutoring Center"]
NAMES = ["Rosa", "Lincoln", "Hope", "Sunrise", "Maple", "Oak Street", "Nuestra Señora",
         "Jade", "Harbor", "Unity", "Al-Noor", "Green Valley", "Mission", "Río Claro",
         "Pine Hill", "Little Saigon", "Main Street", "Riverside"]
STREETS = ["Main St", "Oak Ave", "Mission St", "Cesar Chavez Blvd", "24th St",
           "Valencia St", "Harrison St", "Folsom St", "Market St", "Elm Ct"]
STRENGTHS = ["meeting room", "bilingual staff", "after-school space", "parking",
             "volunteers", "food donations", "mentors", "a kitchen", "a gym"]


def placemark(rng, i, layer):
    name = "%s %s #%d" % (rng.choice(NAMES), rng.choice(KINDS), i + 1)
    lon = -122.52 + rng.random() * 0.17
    lat = 37.70 + rng.random() * 0.12
    address = "%d %s, San Francisco, CA 941%02d" % (rng.randint(1, 4999),
                                                    rng.choice(STREETS),
                                                    rng.randint(2, 34))
    phone = "(415) 555-%04d" % rng.randint(0, 9999)
    offers = ", ".join(rng.sample(STRENGTHS, 2))
    contact = "%s %s" % (rng.choice(["Ana", "Luis", "Mei", "Omar", "Grace", "Tom"]),
                         rng.choice(["García", "Nguyen", "Haddad", "Smith", "Okafor"]))
    description = ("<b>%s</b><br>Contact: %s<br>Offers: %s<br>"
                   "Notes: met at the fall fair &amp; interested in tours."
                   % (escape(name), escape(contact), escape(offers)))

    out = []
    out.append("      <Placemark>\n")
    out.append("        <name>%s</name>\n" % escape(name))
    out.append("        <description><![CDATA[%s]]></description>\n" % description)
    out.append("        <styleUrl>#%s</styleUrl>\n" % layer[1])
    out.append("        <ExtendedData>\n")
    for key, value in (("Address", address), ("Phone", phone),
                       ("Contact", contact), ("Offers", offers)):
        out.append("          <Data name=\"%s\">\n            <value>%s</value>\n"
                   "          </Data>\n" % (key, escape(value)))
    out.append("        </ExtendedData>\n")

    shape = rng.random()
    if shape < 0.02:
        coords = " ".join("%.7f,%.7f,0" % (lon + k * 0.001, lat + (k % 2) * 0.0007)
                          for k in range(6))
        out.append("        <LineString>\n          <tessellate>1</tessellate>\n"
                   "          <coordinates>\n            %s\n          </coordinates>\n"
                   "        </LineString>\n" % coords)
    elif shape < 0.03:
        d = 0.002
        ring = [(lon, lat), (lon + d, lat), (lon + d, lat + d), (lon, lat + d), (lon, lat)]
        coords = " ".join("%.7f,%.7f,0" % p for p in ring)
        out.append("        <Polygon>\n          <outerBoundaryIs>\n            <LinearRing>\n"
                   "              <tessellate>1</tessellate>\n"
                   "              <coordinates>\n                %s\n"
                   "              </coordinates>\n            </LinearRing>\n"
                   "          </outerBoundaryIs>\n        </Polygon>\n" % coords)
    else:
        out.append("        <Point>\n          <coordinates>\n            %.7f,%.7f,0\n"
                   "          </coordinates>\n        </Point>\n" % (lon, lat))
    out.append("      </Placemark>\n")
    return "".join(out)


SHEET_KINDS = ["Panadería", "Café", "Barbería", "Clínica", "Biblioteca", "Taller",
               "Iglesia", "Escuela", "Mercado", "Librería", "Jardín Comunitario",
               "Centro Cultural"]
SHEET_NAMES = ["Rosa & Hijos", "López & García", "Nuestra Señora", "Père Lachaise",
               "Müller & Söhne", "Ángel", "São João", "Café Olé", "Peña", "Zoë",
               "Crème & Brûlée", "Łódź", "Niño Feliz", "Ñandú"]
NEIGHBORHOODS = ["Mission", "Excelsior", "Bayview", "Outer Sunset", "Tenderloin",
                 "Chinatown", "Noe Valley", "Visitación Valley", "Portolá"]


def sheet_placemark(rng, i, layer):
    # One row of a spreadsheet that was imported into a My Maps layer.
    name = "%s %s #%d" % (rng.choice(SHEET_NAMES), rng.choice(SHEET_KINDS), i + 1)
    lon = -122.52 + rng.random() * 0.17
    lat = 37.70 + rng.random() * 0.12
    columns = [
        ("Name", name),
        ("Address", "%d %s, San Francisco, CA 941%02d" % (rng.randint(1, 4999),
                                                            rng.choice(STREETS),
                                                            rng.randint(2, 34))),
        ("Phone", "(415) 555-%04d" % rng.randint(0, 9999)),
        ("Neighborhood", rng.choice(NEIGHBORHOODS)),
        ("Notes", "Contacto: %s %s; ofrece %s. ¿Visita en otoño? Sí, después de las 3 p. m."
         % (rng.choice(["Ana", "José", "Inés", "Ramón", "Zoë", "Mei"]),
            rng.choice(["García", "Núñez", "Peña", "Müller", "Gómez"]),
            " y ".join(rng.sample(STRENGTHS, 2)))),
    ]
    description = "<br>".join("%s: %s" % (key, escape(value)) for key, value in columns)

    out = []
    out.append("      <Placemark>\n")
    out.append("        <name>%s</name>\n" % escape(name))
    out.append("        <description><![CDATA[%s]]></description>\n" % description)
    out.append("        <styleUrl>#%s</styleUrl>\n" % layer[1])
    out.append("        <ExtendedData>\n")
    for key, value in columns:
        out.append("          <Data name=\"%s\">\n            <value>%s</value>\n"
                   "          </Data>\n" % (key, escape(value)))
    out.append("        </ExtendedData>\n")
    out.append("        <Point>\n          <coordinates>\n            %.7f,%.7f,0\n"
               "          </coordinates>\n        </Point>\n" % (lon, lat))
    out.append("      </Placemark>\n")
    return "".join(out)


def minimal_placemark(rng, i, layer):
    return ("      <Placemark><name>Place %d</name><Point><coordinates>%.6f,%.6f</coordinates>"
            "</Point></Placemark>\n" % (i + 1, -122.52 + rng.random() * 0.17,
                                        37.70 + rng.random() * 0.12))


def styles(layer):
    style_id, color = layer[1], layer[2]
    # KML colors are aabbggrr
    kml_color = "ff" + color[4:6] + color[2:4] + color[0:2]
    out = []
    for variant, scale in (("normal", "1"), ("highlight", "1.1")):
        out.append("    <Style id=\"%s-%s\">\n      <IconStyle>\n"
                   "        <color>%s</color>\n        <scale>%s</scale>\n"
                   "        <Icon>\n          <href>https://www.gstatic.com/mapspro/images/stock/503-wht-blank_maps.png</href>\n"
                   "        </Icon>\n      </IconStyle>\n"
                   "      <LabelStyle>\n        <scale>0</scale>\n      </LabelStyle>\n"
                   "    </Style>\n" % (style_id, variant, kml_color, scale))
    out.append("    <StyleMap id=\"%s\">\n" % style_id)
    for variant in ("normal", "highlight"):
        out.append("      <Pair>\n        <key>%s</key>\n        <styleUrl>#%s-%s</styleUrl>\n"
                   "      </Pair>\n" % (variant, style_id, variant))
    out.append("    </StyleMap>\n")
    return "".join(out)


def main():
    args = sys.argv[1:]
    shape = "folders"
    if args and args[0].startswith("--shape="):
        shape = args.pop(0)[len("--shape="):]
    if len(args) != 1 or not args[0].isdigit() or shape not in ("folders", "sheet", "minimal"):
        sys.exit("usage: bench-generate.py [--shape=folders|sheet|minimal] N > FILE.kml")
    n = int(args[0])
    # The default shape keeps the seed (and the bytes) it always had.
    rng = random.Random(20261123 + n + (7919 if shape == "sheet" else 0))
    make = {"folders": placemark, "sheet": sheet_placemark,
            "minimal": minimal_placemark}[shape]
    w = sys.stdout.write

    w("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
    w("<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n  <Document>\n")
    w("    <name>Neighborhood assets (%d)</name>\n" % n)
    w("    <description><![CDATA[Generated for the Asset Map benchmark]]></description>\n")

    per_layer = [n // len(LAYERS)] * len(LAYERS)
    for k in range(n % len(LAYERS)):
        per_layer[k] += 1

    index = 0
    for layer, count in zip(LAYERS, per_layer):
        w("    <Folder>\n      <name>%s</name>\n" % escape(layer[0]))
        for _ in range(count):
            w(make(rng, index, layer))
            index += 1
        w("    </Folder>\n")

    for layer in LAYERS:
        w(styles(layer))

    w("  </Document>\n</kml>\n")


if __name__ == "__main__":
    main()

-- Devices and hotspots (issue 13): the district's inventory of computers,
-- tablets and hotspots, what happened to each (check-outs to a student or a
-- staff member and check-ins with the condition, loaner swaps, damage and
-- loss with their cost, the guardian's acknowledgement of the device
-- agreement), and the hotspot's plan and loan due date.
--
-- The inventory comes from a CSV file (`trellis import devices`, the
-- app's devices service) keyed by asset tag; columns of that file Trellis
-- does not know are kept in notes (a JSON object: column -> value) and
-- written back by the export. Equipment bought with federal funds (E-Rate,
-- ESSER, ECF ...) is kept for 10 years after its purchase: the devices
-- service refuses to delete it before (src/app/devices.c).
CREATE TABLE devices (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    asset_tag TEXT NOT NULL,
    serial TEXT NOT NULL DEFAULT '',       -- '' unknown
    model TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL,                    -- chromebook, laptop, tablet, hotspot, other
    status TEXT NOT NULL,                  -- in_stock, assigned, in_repair, lost, retired
    funding_source TEXT NOT NULL DEFAULT '', -- as the district names it: E-Rate, ESSER III, local ...
    purchase_day INTEGER,                  -- days since 1970-01-01; NULL unknown
    cost_cents INTEGER,                    -- the purchase cost in cents; NULL unknown
    school_id INTEGER REFERENCES orgs (id), -- NULL: the district's (a warehouse, the office)
    location TEXT NOT NULL DEFAULT '',     -- room, cart, shelf
    notes TEXT NOT NULL DEFAULT '{}',      -- the import file's other columns (JSON object)
    -- hotspots
    carrier TEXT NOT NULL DEFAULT '',
    plan TEXT NOT NULL DEFAULT '',
    data_cap_mb INTEGER,                   -- monthly data cap; NULL none or unknown
    -- the current loan (the last check-out not yet checked in): also in device_events
    holder_id INTEGER REFERENCES users (id),
    due_day INTEGER,                       -- when it is due back (days since 1970-01-01); NULL none
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX devices_tag ON devices (district_id, asset_tag);
CREATE UNIQUE INDEX devices_serial ON devices (district_id, serial) WHERE serial <> '';
CREATE INDEX devices_holder ON devices (district_id, holder_id);
CREATE INDEX devices_school ON devices (district_id, school_id, status);

-- What happened to a device, oldest first. A loan is a check_out row and
-- the check_in row that ends it; a swap is a check_in of the old device and
-- a check_out of the loaner (other_device_id names the other one on both).
CREATE TABLE device_events (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts (id),
    device_id INTEGER NOT NULL REFERENCES devices (id),
    kind TEXT NOT NULL,                    -- check_out, check_in, damage, loss, repair, found,
                                           -- acknowledgement
    at_ms INTEGER NOT NULL,
    user_id INTEGER REFERENCES users (id), -- the student or staff member it went to or came from
    due_day INTEGER,                       -- check_out: when it is due back; NULL none
    condition TEXT NOT NULL DEFAULT '',    -- the condition noted at check-out or check-in
    note TEXT NOT NULL DEFAULT '',
    cost_cents INTEGER,                    -- damage, loss: the cost; NULL not known yet
    other_device_id INTEGER REFERENCES devices (id), -- swaps: the other device
    ack_method TEXT NOT NULL DEFAULT '',   -- acknowledgement: paper, online, in_person, phone
    ack_guardian TEXT NOT NULL DEFAULT '', -- acknowledgement: who acknowledged (as they signed)
    recorded_by INTEGER REFERENCES users (id), -- staff who recorded it; NULL: an operator, an import
    recorded_by_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX device_events_device ON device_events (district_id, device_id, at_ms);
CREATE INDEX device_events_user ON device_events (district_id, user_id, at_ms);

package dev.vxlab.orchestrator.doctor;

/** How bad a finding is: an error breaks the overlay (doctor exits 1), a warning may, a note explains. */
public enum Severity { ERROR, WARNING, NOTE }

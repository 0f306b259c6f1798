"""Small hardware behind an agent: bump bars, barcode scanners and customer pole displays."""

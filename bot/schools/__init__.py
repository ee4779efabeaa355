"""The schools one deployment serves, and which school each workspace or tenant is."""

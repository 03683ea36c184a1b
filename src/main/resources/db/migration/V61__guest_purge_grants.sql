-- Bulwark V61: the guest portal's tenant tables are deleted when their organisation is purged (GuestsTables marks them
-- deletedOnPurge), so the app role may delete their rows; V54 granted no DELETE, and the purge stopped at them.
GRANT DELETE ON guests, guest_links, guest_sessions TO ${app_role};

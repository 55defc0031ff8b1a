"""Publish: the static memorial site of the published persons (``unaccounted publish``);
see docs/publish.md. The service chooses the persons and their public fields; this
package only writes them."""

from unaccounted.publish.site import LANGS, SiteInfo, SitePerson, write_site

__all__ = ["LANGS", "SiteInfo", "SitePerson", "write_site"]

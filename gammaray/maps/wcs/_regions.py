"""Region masks and weights of `~gammaray.maps.WcsGeom` (mixin)."""

import numpy as np

__all__ = ["WcsRegionMixin"]


class WcsRegionMixin:
    """Region methods of `~gammaray.maps.WcsGeom` (needs ``_wcs``, ``_npix``, ``data_shape``)."""

    # ---- regions ---------------------------------------------------------------------
    def _pixel_regions(self, regions):
        from regions import PixelRegion, Regions, SkyRegion

        if isinstance(regions, str):
            regions = list(Regions.parse(regions, format="ds9"))
        elif isinstance(regions, (SkyRegion, PixelRegion)):
            regions = [regions]
        out = []
        for region in regions:
            if isinstance(region, PixelRegion):
                out.append(region)
            elif isinstance(region, SkyRegion):
                out.append(region.to_pixel(self._wcs))
            else:
                raise TypeError(f"Invalid region type {type(region).__name__}.")
        return out

    def _region_mask_image(self, regions):
        from regions import PixCoord

        nx, ny = self._npix
        yy, xx = np.indices((ny, nx))
        pixcoord = PixCoord(xx.astype(float), yy.astype(float))
        mask = np.zeros((ny, nx), dtype=bool)
        for region in self._pixel_regions(regions):
            mask |= region.contains(pixcoord)
        return mask

    def region_mask(self, regions, inside=True):
        """Boolean mask map of the pixels whose centre lies in the regions.

        Parameters
        ----------
        regions : str, `~regions.Region` or list of `~regions.Region`
            Regions (sky or pixel regions, or a ds9 region string).
        inside : bool
            True marks pixels inside the regions, False those outside.

        Returns
        -------
        mask : `~gammaray.maps.WcsNDMap`
            Boolean mask of this geometry.
        """
        from gammaray.maps.core import Map

        mask = self._region_mask_image(regions)
        if not inside:
            np.logical_not(mask, out=mask)
        data = np.empty(self.data_shape, dtype=bool)
        data[...] = mask
        return Map.from_geom(self, data=data)

    def region_weights(self, regions, oversampling_factor=10):
        """Fraction of each pixel covered by the regions (sampled on a finer grid).

        Parameters
        ----------
        regions : str, `~regions.Region` or list of `~regions.Region`
            Regions.
        oversampling_factor : int
            Number of sub-pixels per pixel and dimension.

        Returns
        -------
        weights : `~gammaray.maps.WcsNDMap`
            Weights between 0 and 1.
        """
        from gammaray.maps.core import Map

        f = int(oversampling_factor)
        fine = self.to_image().upsample(f)
        mask = fine._region_mask_image(regions)
        nx, ny = self._npix
        weights = mask.reshape(ny, f, nx, f).mean(axis=(1, 3))
        data = np.empty(self.data_shape, dtype=float)
        data[...] = weights
        return Map.from_geom(self, data=data)

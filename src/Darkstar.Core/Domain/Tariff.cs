using Darkstar.Core.Options;
using Darkstar.Core.Time;

namespace Darkstar.Core.Domain;

/// <summary>
/// The tariff around the spot price, in the home's currency per kWh:
/// import = (spot + transfer fee + energy tax) × (1 + VAT), export = spot + export bonus.
/// </summary>
public sealed record Tariff(double TransferFeePerKwh, double EnergyTaxPerKwh, double VatPercent, double ExportBonusPerKwh)
{
    public static Tariff FromOptions(PricingOptions pricing)
    {
        ArgumentNullException.ThrowIfNull(pricing);
        return new Tariff(pricing.TransferFeePerKwh, pricing.EnergyTaxPerKwh, pricing.VatPercent, pricing.ExportBonusPerKwh);
    }

    public double ImportPrice(double spot) => (spot + TransferFeePerKwh + EnergyTaxPerKwh) * (1 + (VatPercent / 100));

    public double ExportPrice(double spot) => spot + ExportBonusPerKwh;

    /// <summary>
    /// The slots of a price interval: an hour becomes four slots with the same price, a quarter hour one.
    /// Slots are those that start inside [<paramref name="start"/>, <paramref name="end"/>).
    /// </summary>
    public IEnumerable<SlotPrice> ToSlots(DateTimeOffset start, DateTimeOffset end, double spot, string source, DateTimeOffset fetchedAt)
    {
        var import = ImportPrice(spot);
        var export = ExportPrice(spot);
        foreach (var slot in SlotRange.Between(start, end))
        {
            yield return new SlotPrice
            {
                SlotStart = slot,
                SpotPrice = spot,
                ImportPrice = import,
                ExportPrice = export,
                Source = source,
                FetchedAt = InstantText.Truncate(fetchedAt),
            };
        }
    }
}

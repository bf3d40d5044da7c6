using System.Text.Json;
using System.Text.Json.Nodes;
using Darkstar.Core.Domain;
using Darkstar.Core.Loops;
using Darkstar.Core.Options;
using Darkstar.Core.Time;
using Darkstar.Core.Units;
using Darkstar.HomeAssistant;
using Darkstar.HomeAssistant.Model;
using Darkstar.HomeAssistant.WebSockets;
using Darkstar.Storage.Repositories;
using Microsoft.Extensions.Logging;

namespace Darkstar.Learning.Prices;

/// <summary>
/// How far ahead prices are known after an update. Without tomorrow's prices the horizon ends with today:
/// that is reported, never filled in by a guess.
/// </summary>
public sealed record PriceHorizon(int SlotsWritten, DateTimeOffset? KnownUntil, bool TomorrowPublished);

/// <summary>
/// Day-ahead prices from Nord Pool through Home Assistant, as import and export prices per slot: from the custom
/// integration's sensor (<c>raw_today</c>/<c>raw_tomorrow</c> and <c>tomorrow_valid</c>) or from the official
/// integration's <c>nordpool.get_prices_for_date</c> action. Hourly prices become four slots.
/// </summary>
public sealed class PriceUpdater : IPriceRefresher
{
    private readonly HomeAssistantWebSocketClient _client;
    private readonly PriceRepository _prices;
    private readonly PricingOptions _pricing;
    private readonly TimeZoneInfo _zone;
    private readonly TimeProvider _time;
    private readonly ILogger<PriceUpdater> _logger;

    // The horizon whose missing tomorrow was last logged; null once tomorrow is published.
    private DateTimeOffset? _lateLoggedUntil;

    public PriceUpdater(HomeAssistantWebSocketClient client, PriceRepository prices, PricingOptions pricing, TimeZoneInfo zone, TimeProvider time, ILogger<PriceUpdater> logger)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _prices = prices ?? throw new ArgumentNullException(nameof(prices));
        _pricing = pricing ?? throw new ArgumentNullException(nameof(pricing));
        _zone = zone ?? throw new ArgumentNullException(nameof(zone));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    async Task<int> IPriceRefresher.RefreshPricesAsync(CancellationToken cancellationToken) => (await UpdateAsync(cancellationToken)).SlotsWritten;

    public async Task<PriceHorizon> UpdateAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var tariff = Tariff.FromOptions(_pricing);
        List<SlotPrice> slots;
        bool tomorrow;
        if (_pricing.PriceSource == PriceSource.NordpoolAction)
        {
            (slots, tomorrow) = await FromActionAsync(tariff, now, cancellationToken);
        }
        else
        {
            var entityId = _pricing.NordpoolSensor
                ?? throw new HomeAssistantConfigurationException("pricing.nordpool_sensor is not set, but pricing.price_source is nordpool_sensor.");
            var states = await _client.GetStatesAsync(cancellationToken);
            var state = states.FirstOrDefault(s => s.EntityId == entityId)
                ?? throw new HomeAssistantNotFoundException($"pricing.nordpool_sensor {entityId} does not exist in Home Assistant.");
            (slots, tomorrow) = FromSensor(state, tariff, _pricing.Currency, now);
        }

        var written = await _prices.UpsertAsync(slots, cancellationToken);
        var knownUntil = slots.Count == 0 ? (DateTimeOffset?)null : slots.Max(s => s.SlotStart) + SlotGrid.SlotLength;
        if (tomorrow)
        {
            _lateLoggedUntil = null;
        }
        else if ((knownUntil ?? DateTimeOffset.MinValue) != _lateLoggedUntil)
        {
            // Once per horizon (so once a day), not on every update: the sensor changes every few minutes.
            _lateLoggedUntil = knownUntil ?? DateTimeOffset.MinValue;
            _logger.LogWarning("Tomorrow's prices are not published yet: prices are known until {KnownUntil}", knownUntil is { } k ? InstantText.Format(k) : "never");
        }

        return new PriceHorizon(written, knownUntil, tomorrow);
    }

    /// <summary>Reads the custom integration's sensor: <c>raw_today</c>, and <c>raw_tomorrow</c> when <c>tomorrow_valid</c>.</summary>
    public static (List<SlotPrice> Slots, bool TomorrowPublished) FromSensor(EntityState state, Tariff tariff, string currency, DateTimeOffset fetchedAt)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(tariff);
        var unit = state.UnitOfMeasurement ?? $"{currency}/kWh";
        var factor = UnitConverter.FactorToCoreUnit(SensorQuantity.Price, unit, state.EntityId, currency);
        var tomorrowValid = state.Attributes.TryGetValue("tomorrow_valid", out var valid) && valid.ValueKind == JsonValueKind.True;
        var slots = new List<SlotPrice>();
        Read("raw_today");
        if (tomorrowValid)
        {
            Read("raw_tomorrow");
        }

        return (slots, tomorrowValid);

        void Read(string attribute)
        {
            if (!state.Attributes.TryGetValue(attribute, out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var item in list.EnumerateArray())
            {
                var start = InstantText.Parse(item.GetProperty("start").GetString()!);
                var end = InstantText.Parse(item.GetProperty("end").GetString()!);
                if (item.GetProperty("value") is { ValueKind: JsonValueKind.Number } value)
                {
                    slots.AddRange(tariff.ToSlots(start, end, value.GetDouble() * factor, state.EntityId, fetchedAt));
                }
            }
        }
    }

    /// <summary>The official integration: one action call per day (today, tomorrow), in the currency per MWh.</summary>
    private async Task<(List<SlotPrice>, bool)> FromActionAsync(Tariff tariff, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entry = _pricing.NordpoolConfigEntry
            ?? throw new HomeAssistantConfigurationException("pricing.nordpool_config_entry is not set, but pricing.price_source is nordpool_action.");
        var today = SlotGrid.LocalDateOf(now, _zone);
        var slots = new List<SlotPrice>();
        var tomorrow = false;
        foreach (var day in new[] { today, today.AddDays(1) })
        {
            var data = new JsonObject { ["config_entry"] = entry, ["date"] = DayText.Format(day) };
            if (_pricing.PriceArea is { } area)
            {
                data["areas"] = area;
            }

            var before = slots.Count;
            JsonElement? response;
            try
            {
                response = (await _client.CallServiceAsync(new ServiceCall("nordpool", "get_prices_for_date", data, ReturnResponse: true), cancellationToken)).Response;
            }
            catch (HomeAssistantCommandException e) when (day != today)
            {
                _logger.LogInformation("No Nord Pool prices for {Day} yet: {Reason}", DayText.Format(day), e.ErrorMessage);
                continue;
            }

            if (response is not { ValueKind: JsonValueKind.Object } areas)
            {
                continue;
            }

            foreach (var areaPrices in areas.EnumerateObject().Where(a => _pricing.PriceArea is null || a.Name == _pricing.PriceArea))
            {
                foreach (var item in areaPrices.Value.EnumerateArray())
                {
                    var start = InstantText.Parse(item.GetProperty("start").GetString()!);
                    var end = InstantText.Parse(item.GetProperty("end").GetString()!);
                    var spot = UnitConverter.ToPricePerKilowattHour(item.GetProperty("price").GetDouble(), $"{_pricing.Currency}/MWh", _pricing.Currency, "nordpool.get_prices_for_date");
                    slots.AddRange(tariff.ToSlots(start, end, spot, $"nordpool.get_prices_for_date {areaPrices.Name}", now));
                }
            }

            // Tomorrow is published when its own call brought prices, not merely when today's did.
            tomorrow |= day != today && slots.Count > before;
        }

        return (slots, tomorrow);
    }
}



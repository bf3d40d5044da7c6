using System.Runtime.Serialization;

namespace Darkstar.Forecasting.Features;

/// <summary>
/// Aurora's feature columns in the order of a feature row: a member's value is its column and its
/// <see cref="EnumMemberAttribute"/> its name (<see cref="AuroraFeatures.Names"/>), so the two cannot drift apart. A saved
/// model lists the names it was trained on in this order: a new feature goes at the end, and none is reordered.
/// </summary>
public enum AuroraFeature
{
    /// <summary>The slot's quarter hour of the local day, 0 to 95.</summary>
    [EnumMember(Value = "slot_of_day")]
    SlotOfDay,

    /// <summary>The time of day on the unit circle: its sine.</summary>
    [EnumMember(Value = "time_sin")]
    TimeSin,

    /// <summary>The time of day on the unit circle: its cosine.</summary>
    [EnumMember(Value = "time_cos")]
    TimeCos,

    /// <summary>The local day of the week, Sunday 0.</summary>
    [EnumMember(Value = "day_of_week")]
    DayOfWeek,

    /// <summary>1 on Saturday and Sunday.</summary>
    [EnumMember(Value = "is_weekend")]
    IsWeekend,

    /// <summary>The local month, 1 to 12.</summary>
    [EnumMember(Value = "month")]
    Month,

    /// <summary>The day of the year on the unit circle: its sine.</summary>
    [EnumMember(Value = "year_sin")]
    YearSin,

    /// <summary>The day of the year on the unit circle: its cosine.</summary>
    [EnumMember(Value = "year_cos")]
    YearCos,

    /// <summary>The sun's elevation at the middle of the slot, in degrees.</summary>
    [EnumMember(Value = "sun_elevation_deg")]
    SunElevationDeg,

    /// <summary>Clear-sky irradiance at the middle of the slot.</summary>
    [EnumMember(Value = "clear_sky_w_m2")]
    ClearSkyWm2,

    /// <summary>The slot's air temperature (forecast for the future).</summary>
    [EnumMember(Value = "temperature_c")]
    TemperatureC,

    /// <summary>The slot's cloud cover (forecast for the future).</summary>
    [EnumMember(Value = "cloud_cover_pct")]
    CloudCoverPct,

    /// <summary>The slot's global radiation (forecast for the future).</summary>
    [EnumMember(Value = "radiation_w_m2")]
    RadiationWm2,

    /// <summary>The target day's mean temperature.</summary>
    [EnumMember(Value = "day_temperature_c")]
    DayTemperatureC,

    /// <summary>The target day's mean radiation.</summary>
    [EnumMember(Value = "day_radiation_w_m2")]
    DayRadiationWm2,

    /// <summary>The target day's radiation as a share of its clear-sky mean.</summary>
    [EnumMember(Value = "day_clearness")]
    DayClearness,

    /// <summary>Clear-sky irradiance at the slot times the day's clearness.</summary>
    [EnumMember(Value = "expected_irradiance_w_m2")]
    ExpectedIrradianceWm2,

    /// <summary>Hours from the issue time to the target slot.</summary>
    [EnumMember(Value = "lead_hours")]
    LeadHours,

    /// <summary>Days back to the latest day whose same slot had ended at issue time.</summary>
    [EnumMember(Value = "lag_days")]
    LagDays,

    /// <summary>The house's load at the same slot on that latest day.</summary>
    [EnumMember(Value = "load_same_slot_last")]
    LoadSameSlotLast,

    /// <summary>The house's load at the same slot a week before.</summary>
    [EnumMember(Value = "load_same_slot_week_ago")]
    LoadSameSlotWeekAgo,

    /// <summary>The house's mean load at the same slot over seven days from the latest.</summary>
    [EnumMember(Value = "load_same_slot_7day_mean")]
    LoadSameSlot7DayMean,

    /// <summary>The house's mean load over the 24 hours before the issue.</summary>
    [EnumMember(Value = "load_last_24h_mean")]
    LoadLast24hMean,

    /// <summary>The house's mean load over the hour before the issue.</summary>
    [EnumMember(Value = "load_last_hour_mean")]
    LoadLastHourMean,

    /// <summary>PV at the same slot on the latest day.</summary>
    [EnumMember(Value = "pv_same_slot_last")]
    PvSameSlotLast,

    /// <summary>Mean PV at the same slot over seven days from the latest.</summary>
    [EnumMember(Value = "pv_same_slot_7day_mean")]
    PvSameSlot7DayMean,

    /// <summary>Most PV at the same slot over seven days from the latest.</summary>
    [EnumMember(Value = "pv_same_slot_7day_max")]
    PvSameSlot7DayMax,

    /// <summary>PV of the latest local day that had ended by the issue.</summary>
    [EnumMember(Value = "pv_yesterday_kwh")]
    PvYesterdayKwh,

    /// <summary>1 on a vacation day.</summary>
    [EnumMember(Value = "vacation")]
    Vacation,

    /// <summary>The sun's azimuth at the middle of the slot, in degrees.</summary>
    [EnumMember(Value = "sun_azimuth_deg")]
    SunAzimuthDeg,

    /// <summary>The house's median load within an hour of the slot's time over the recent days of the target's type (<see cref="AuroraFeatures.LoadReferenceName"/>).</summary>
    [EnumMember(Value = "load_same_daytype_slot_median")]
    LoadSameDaytypeSlotMedian,

    /// <summary>The house's mean load within half an hour of the slot on the latest day.</summary>
    [EnumMember(Value = "load_same_hour_last")]
    LoadSameHourLast,

    /// <summary>The house's load on the latest complete local day.</summary>
    [EnumMember(Value = "load_last_day_kwh")]
    LoadLastDayKwh,

    /// <summary>The house's mean load over the seven days before the issue.</summary>
    [EnumMember(Value = "load_last_7days_mean")]
    LoadLast7DaysMean,

    /// <summary>The target day's mean temperature less the latest complete day's.</summary>
    [EnumMember(Value = "temperature_change_c")]
    TemperatureChangeC,

    /// <summary>The most PV at the slot over seven days as a share of the PV envelope (sun up only).</summary>
    [EnumMember(Value = "pv_clear_share_7day_max")]
    PvClearShare7DayMax,

    /// <summary>The latest complete day's PV per unit of clear-sky energy.</summary>
    [EnumMember(Value = "pv_clear_share_last_day")]
    PvClearShareLastDay,

    /// <summary>The home's clear-day PV at the slot's time of day (<see cref="PvExpectation.Envelope"/>).</summary>
    [EnumMember(Value = "pv_envelope_kwh")]
    PvEnvelopeKwh,

    /// <summary>The PV the target day's weather implies at the slot (<see cref="PvExpectation"/>).</summary>
    [EnumMember(Value = "pv_weather_estimate_kwh")]
    PvWeatherEstimateKwh,

    /// <summary>The weather estimate as a share of the envelope (<see cref="AuroraFeatures.PvReferenceName"/>).</summary>
    [EnumMember(Value = "pv_weather_estimate_share")]
    PvWeatherEstimateShare,

    /// <summary>What the panels gave on the latest complete day against what its weather implied.</summary>
    [EnumMember(Value = "pv_last_day_vs_weather")]
    PvLastDayVsWeather,

    /// <summary>The house's median load at the same slot over 28 days (<see cref="AuroraFeatures.LongLoadReferenceName"/>).</summary>
    [EnumMember(Value = "load_same_slot_28day_median")]
    LoadSameSlot28DayMedian,

    /// <summary>The heat pump's energy per slot expected on the target day (<see cref="HeatPumpLevel"/>).</summary>
    [EnumMember(Value = "heat_pump_level_kwh")]
    HeatPumpLevelKwh,

    /// <summary>The heat pump's mean energy per slot over the seven days before the issue.</summary>
    [EnumMember(Value = "heat_pump_last_7days_mean")]
    HeatPumpLast7DaysMean,
}

using System.Globalization;
using System.Text.Json;
using Darkstar.Core.Domain;
using Darkstar.Core.Time;
using Darkstar.Mqtt.Discovery;
using Darkstar.Storage;
using Microsoft.Extensions.Logging;

namespace Darkstar.Mqtt;

/// <summary>
/// The user's manual blocks over MQTT, through the one <see cref="ManualBlockStore"/>: the dashboard's form (the action
/// select and the hours number are kept here, "Add block" adds a block from the current slot for that many hours, "Clear
/// blocks" deletes them all) and the JSON command topic (<c>&lt;topic_base&gt;/blocks/set</c>: a block as <c>api/blocks</c>
/// takes it, <c>{"delete": id}</c>, or <c>{"clear": true}</c>). The blocks in force and the last refusal are published on
/// the <c>manual_blocks</c> sensor after every change.
/// </summary>
public sealed class ManualBlockCommands(ManualBlockStore store, DarkstarPublisher publisher, ILogger logger)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly Lock _gate = new();
    private string _action = BlockActionText.Of(BlockAction.Hold);
    private double _hours = 1;
    private string? _lastError;

    /// <summary>Carries out a command on one of <see cref="ManualBlockEntities"/>' topics.</summary>
    public async Task HandleAsync(string id, string payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        switch (id)
        {
            case ManualBlockEntities.BlockAction when BlockActionText.TryParse(payload, out var action):
                lock (_gate)
                {
                    _action = BlockActionText.Of(action);
                }

                break;
            case ManualBlockEntities.BlockHours when double.TryParse(payload, NumberStyles.Float, CultureInfo.InvariantCulture, out var hours)
                && hours is >= ManualBlockEntities.MinHours and <= ManualBlockEntities.MaxHours:
                lock (_gate)
                {
                    _hours = hours;
                }

                break;
            case ManualBlockEntities.AddBlock:
                string formAction;
                double formHours;
                lock (_gate)
                {
                    (formAction, formHours) = (_action, _hours);
                }

                await AddAsync(new ManualBlockRequest(formAction, Hours: formHours), cancellationToken);
                break;
            case ManualBlockEntities.ClearBlocks:
                await store.ClearAsync(cancellationToken);
                break;
            case ManualBlockEntities.CommandTopicId:
                await JsonCommandAsync(payload, cancellationToken);
                break;
            default:
                Refuse($"'{payload}' is not a value of {id}");
                break;
        }

        await PublishAsync(cancellationToken);
    }

    /// <summary>Publishes the form's values and the blocks in force.</summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        var blocks = await store.ActiveAsync(cancellationToken);
        string action;
        double hours;
        string? error;
        lock (_gate)
        {
            (action, hours, error) = (_action, _hours, _lastError);
        }

        publisher.PublishManualBlocks(blocks, action, hours, error);
    }

    private async Task JsonCommandAsync(string payload, CancellationToken cancellationToken)
    {
        const string Expected = "a block like {\"action\": \"charge\", \"start\": \"2026-06-10T12:00:00Z\", \"hours\": 2}, {\"delete\": 3} or {\"clear\": true}";
        JsonCommand? command;
        try
        {
            command = JsonSerializer.Deserialize<JsonCommand>(payload, Json);
        }
        catch (JsonException e)
        {
            Refuse($"the blocks command must be JSON, {Expected}: {e.Message}");
            return;
        }

        if (command is null)
        {
            Refuse($"the blocks command must be {Expected}");
        }
        else if (command.Clear == true)
        {
            await store.ClearAsync(cancellationToken);
        }
        else if (command.Delete is { } id)
        {
            if (!await store.DeleteAsync(id, cancellationToken))
            {
                Refuse($"there is no block {id} (it may have ended)");
            }
        }
        else
        {
            await AddAsync(
                new ManualBlockRequest(command.Action, command.Start, command.End, command.Hours, command.TargetSocPercent, command.PowerKw, command.EnergyKwh),
                cancellationToken);
        }
    }

    private async Task AddAsync(ManualBlockRequest request, CancellationToken cancellationToken)
    {
        var result = await store.AddAsync(request, cancellationToken);
        if (result.Error is { } error)
        {
            Refuse(error);
        }
        else
        {
            lock (_gate)
            {
                _lastError = null;
            }
        }
    }

    private void Refuse(string error)
    {
        logger.LogWarning("Refused the manual block command: {Reason}", error);
        lock (_gate)
        {
            _lastError = error;
        }
    }

    private sealed record JsonCommand(
        string? Action,
        DateTimeOffset? Start,
        DateTimeOffset? End,
        double? Hours,
        double? TargetSocPercent,
        double? PowerKw,
        double? EnergyKwh,
        long? Delete,
        bool? Clear);
}

using Darkstar.Core.Domain;

namespace Darkstar.Mqtt.Discovery;

/// <summary>
/// The entities of the user's manual blocks: a sensor of the blocks in force (their count; the list in its attributes) and a
/// small form a Home Assistant dashboard can use (the action, the hours from now, "Add block", "Clear blocks"). A block with
/// a start, an end, a target SoC, a power or an energy goes as JSON to the <see cref="CommandTopicId"/> command topic.
/// </summary>
public static class ManualBlockEntities
{
    public const string ManualBlocks = "manual_blocks";
    public const string BlockAction = "block_action";
    public const string BlockHours = "block_hours";
    public const string AddBlock = "add_block";
    public const string ClearBlocks = "clear_blocks";

    /// <summary>The id of the JSON command topic <c>&lt;topic_base&gt;/blocks/set</c> (no entity of its own).</summary>
    public const string CommandTopicId = "blocks";

    /// <summary>The form's hours: a quarter hour to the 48 hours a block may reach ahead.</summary>
    public const double MinHours = 0.25;

    public const double MaxHours = 48;

    public static IReadOnlyList<DarkstarEntity> All { get; } =
    [
        new() { Id = ManualBlocks, Platform = EntityPlatform.Sensor, Name = "Manual blocks", HasAttributes = true, Icon = "mdi:calendar-lock-outline" },
        new() { Id = BlockAction, Platform = EntityPlatform.Select, Name = "Block action", Options = BlockActionText.All, Icon = "mdi:calendar-edit" },
        new() { Id = BlockHours, Platform = EntityPlatform.Number, Name = "Block hours", Unit = "h", Min = MinHours, Max = MaxHours, Step = MinHours, Icon = "mdi:timer-outline" },
        new() { Id = AddBlock, Platform = EntityPlatform.Button, Name = "Add block", Icon = "mdi:calendar-plus" },
        new() { Id = ClearBlocks, Platform = EntityPlatform.Button, Name = "Clear blocks", Icon = "mdi:calendar-remove" },
    ];

    /// <summary>True for the ids whose commands the blocks take (the form's entities and the JSON topic).</summary>
    public static bool Handles(string id) => id is ManualBlocks or BlockAction or BlockHours or AddBlock or ClearBlocks or CommandTopicId;
}

import { Button, Menu, MenuDivider, MenuGroup, MenuGroupHeader, MenuItem, MenuList, MenuPopover, MenuTrigger } from '@fluentui/react-components';
import { ChevronDown16Regular, Server20Regular } from '@fluentui/react-icons';
import { useSlice } from '../../stores/context';

/** The header's environment chooser: which environments the matrix shows, and saved sets. */
export function EnvironmentsMenu() {
  const environments = useSlice('environments', (s) => s.environments);
  const selectedIds = useSlice('environments', (s) => s.selectedIds);
  const sets = useSlice('environments', (s) => s.sets);
  const applySet = useSlice('environments', (s) => s.applySet);
  const go = useSlice('app', (s) => s.go);
  const matching = sets.find((s) => s.environmentIds.length === selectedIds.length && s.environmentIds.every((id) => selectedIds.includes(id)));
  const names = environments.filter((e) => selectedIds.includes(e.id)).map((e) => e.displayName);
  const label = matching ? `${matching.name} (${selectedIds.length})` : selectedIds.length ? `${selectedIds.length} environment${selectedIds.length === 1 ? '' : 's'}` : 'No environments';
  return (
    <Menu>
      <MenuTrigger disableButtonEnhancement>
        <Button appearance="subtle" icon={<Server20Regular />} iconPosition="before" title={names.join(', ')} aria-label={`Environments: ${label}`}>
          {label}
          <ChevronDown16Regular style={{ marginLeft: 6 }} />
        </Button>
      </MenuTrigger>
      <MenuPopover>
        <MenuList>
          {sets.length ? (
            <MenuGroup>
              <MenuGroupHeader>Saved sets</MenuGroupHeader>
              {sets.map((s) => (
                <MenuItem key={s.name} onClick={() => applySet(s.name)} secondaryContent={`${s.environmentIds.length}`}>
                  {s.name}
                </MenuItem>
              ))}
            </MenuGroup>
          ) : null}
          {sets.length ? <MenuDivider /> : null}
          <MenuItem onClick={() => go('environments')}>Choose environments…</MenuItem>
        </MenuList>
      </MenuPopover>
    </Menu>
  );
}

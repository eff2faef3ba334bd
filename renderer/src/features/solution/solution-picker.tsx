import { Combobox, makeStyles, Option, Spinner, tokens } from '@fluentui/react-components';
import { useEffect, useId, useMemo, useState } from 'react';
import { useSlice } from '../../stores/context';

const useStyles = makeStyles({
  root: { display: 'flex', alignItems: 'center', gap: '8px', minWidth: 0 },
  label: { fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2, fontWeight: tokens.fontWeightSemibold },
  combo: { minWidth: '280px', maxWidth: '360px' },
  option: { display: 'flex', flexDirection: 'column' },
  meta: { fontSize: tokens.fontSizeBase100, color: tokens.colorNeutralForeground3 },
  spinnerSlot: { width: '20px', display: 'flex' },
});

/** The solution picker: a searchable combobox named "Solution", over the solutions of the chosen environments. */
export function SolutionPicker() {
  const styles = useStyles();
  const labelId = useId();
  const solutions = useSlice('workspace', (s) => s.solutions);
  const status = useSlice('workspace', (s) => s.solutionsStatus);
  const error = useSlice('workspace', (s) => s.solutionsError);
  const solution = useSlice('workspace', (s) => s.solution);
  const setSolution = useSlice('workspace', (s) => s.setSolution);
  const selected = solutions.find((s) => s.uniqueName === solution);
  const display = selected ? selected.friendlyName : (solution ?? '');
  const [query, setQuery] = useState(display);
  const [typing, setTyping] = useState(false);
  useEffect(() => {
    if (!typing) setQuery(display);
  }, [display, typing]);

  const filtered = useMemo(() => {
    const q = typing ? query.trim().toLowerCase() : '';
    return q ? solutions.filter((s) => `${s.friendlyName} ${s.uniqueName}`.toLowerCase().includes(q)) : solutions;
  }, [solutions, query, typing]);

  return (
    <div className={styles.root}>
      <span id={labelId} className={styles.label}>
        Solution
      </span>
      <Combobox
        className={styles.combo}
        aria-labelledby={labelId}
        placeholder={status === 'loading' ? 'Loading solutions…' : status === 'error' ? 'Solutions unavailable' : 'Search solutions'}
        value={query}
        selectedOptions={solution ? [solution] : []}
        freeform
        onChange={(e) => {
          setTyping(true);
          setQuery(e.target.value);
        }}
        onOptionSelect={(_, data) => {
          setTyping(false);
          if (data.optionValue) setSolution(data.optionValue);
          setQuery(data.optionText ?? '');
        }}
        onBlur={() => setTyping(false)}
        {...(status === 'loading' ? { expandIcon: <span className={styles.spinnerSlot}><Spinner size="extra-tiny" /></span> } : {})}
        {...(error ? { title: error } : {})}
      >
        {filtered.length === 0 ? (
          <Option disabled value="" text="">
            {status === 'loading' ? 'Loading…' : error ? error : solutions.length ? 'No solution matches' : 'No solutions in the chosen environments'}
          </Option>
        ) : (
          filtered.map((s) => (
            <Option key={s.uniqueName} value={s.uniqueName} text={s.friendlyName}>
              <span className={styles.option}>
                <span>{s.friendlyName}</span>
                <span className={styles.meta}>
                  {s.uniqueName} · {s.version} · {s.managed ? 'managed' : 'unmanaged'}
                </span>
              </span>
            </Option>
          ))
        )}
      </Combobox>
    </div>
  );
}
